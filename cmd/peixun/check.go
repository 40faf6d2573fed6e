package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

func runCheck(ctx context.Context, args []string) error {
	fs := flags("check", "peixun check JOB | peixun check --list")
	list := fs.Bool("list", false, "list the scheduled checks with their schedules")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	sch, err := a.scheduler()
	if err != nil {
		return err
	}
	jobs := sch.Jobs()
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].Name < jobs[j].Name })
	if *list || fs.NArg() == 0 {
		for _, j := range jobs {
			fmt.Printf("%-22s %-16s next %s\n", j.Name, j.Schedule, j.Next.Format("2006-01-02 15:04"))
		}
		if fs.NArg() == 0 && !*list {
			return fmt.Errorf("name a check to run")
		}
		return nil
	}
	name := fs.Arg(0)
	run, err := sch.RunNow(ctx, name, "manual")
	if err != nil {
		return err
	}
	var counts []string
	for k, v := range run.Counts {
		counts = append(counts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(counts)
	took := ""
	if run.FinishedAt != nil {
		took = run.FinishedAt.Sub(run.StartedAt).String()
	}
	fmt.Printf("%s: %s in %s %s\n", name, run.Outcome, took, strings.Join(counts, " "))
	if run.Error != "" {
		return fmt.Errorf("%s failed: %s", name, run.Error)
	}
	return nil
}
