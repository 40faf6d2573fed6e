package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"peixun/ent"
	"peixun/fault"
	"peixun/training"
)

// JobLine is one scheduled check on the administrators' page with its latest runs.
type JobLine struct {
	training.JobInfo
	Runs []*ent.JobRun
}

// JobsView is the scheduled checks page.
type JobsView struct {
	Jobs []JobLine
}

// jobRunsShown is how many of each job's latest runs the page lists.
const jobRunsShown = 5

func (s *Server) jobsPage(c echo.Context) error {
	var v JobsView
	if s.Scheduler != nil {
		for _, j := range s.Scheduler.Jobs() {
			runs, err := s.Scheduler.Runs(c.Request().Context(), j.Name, jobRunsShown)
			if err != nil {
				return err
			}
			v.Jobs = append(v.Jobs, JobLine{JobInfo: j, Runs: runs})
		}
	}
	return s.render(c, http.StatusOK, "jobs.html", s.page(c, "title.jobs", v))
}

func (s *Server) runJob(c echo.Context) error {
	if s.Scheduler == nil {
		return fault.New(fault.Unavailable, "job.no_scheduler")
	}
	name := c.Param("job")
	run, err := s.Scheduler.RunNow(c.Request().Context(), name, training.TriggerManual)
	if err != nil && run == nil {
		return err
	}
	ok := "job_ran"
	if run.Outcome != training.OutcomeOK {
		ok = "job_failed"
	}
	return redirect(c, "/admin/jobs?ok="+ok+"&job="+url.QueryEscape(name))
}
