package training

import (
	"math"
	"slices"
	"time"

	"peixun/ent"
)

// Enrollment statuses.
const (
	Assigned   = "assigned"
	InProgress = "in_progress"
	Completed  = "completed"
	Overdue    = "overdue"
	Exempt     = "exempt"
)

// since is a set of program starts (bit i: the i-th distinct start of the programs evaluated
// together) on or after which something happened. The database compares the times, so that no
// time is parsed per row and both databases compare exactly alike.
type since uint64

func (s since) has(i int) bool { return s&(1<<uint(i)) != 0 }

// courseFact is what one person finished of one course: lessons completed, and the starts on or
// after which the latest of them was completed.
type courseFact struct {
	course int
	done   int
	last   since
}

// lectureFact is one in-person session a person attended: its hours and the starts on or after
// which it was held.
type lectureFact struct {
	held  since
	hours float64
}

// quizFact is a quiz a person passed, and the starts on or after which they passed it last.
type quizFact struct {
	quiz   int
	passed since
}

// facts is everything about one person that completion depends on. The event path reads it for one
// person, the sweep for everyone; both hand it to the same rule, which is why they agree.
type facts struct {
	courses  []courseFact
	lectures []lectureFact
	quizzes  []quizFact
}

// catalog holds, per course, its number of lessons and its credit hours.
type catalog struct {
	lessons map[int]int
	hours   map[int]float64
}

// rule is a program's completion rule, compiled from its requirements.
type rule struct {
	program   int
	start     int // index of the program's start among the starts evaluated together
	due       time.Time
	courses   []int
	minHours  float64
	quiz      int
	minEvents int
}

// maxStarts is how many distinct program starts one pass evaluates (the bits of since).
const maxStarts = 64

// groupsOf splits programs into groups of at most maxStarts distinct starts, to be evaluated
// one group at a time. There is one group unless the platform runs dozens of programs at once.
func groupsOf(ps []*ent.Program) [][]*ent.Program {
	var out [][]*ent.Program
	var cur []*ent.Program
	var starts []time.Time
	for _, p := range ps {
		if !slices.ContainsFunc(starts, p.StartsAt.Equal) {
			if len(starts) == maxStarts {
				out, cur, starts = append(out, cur), nil, nil
			}
			starts = append(starts, p.StartsAt)
		}
		cur = append(cur, p)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// compile turns programs into rules and the list of their distinct starts.
func compile(ps []*ent.Program) (map[int]rule, []rule, []time.Time) {
	rules := map[int]rule{}
	var list []rule
	var starts []time.Time
	for _, p := range ps {
		i := slices.IndexFunc(starts, func(t time.Time) bool { return t.Equal(p.StartsAt) })
		if i < 0 {
			i = len(starts)
			starts = append(starts, p.StartsAt)
		}
		r := rule{program: p.ID, start: i, due: p.DueAt, courses: p.Requirements.CourseIDs,
			minHours: p.Requirements.MinHours, quiz: p.Requirements.QuizID, minEvents: p.MinEvents}
		rules[p.ID] = r
		list = append(list, r)
	}
	return rules, list, starts
}

// courseDone tells whether a course counts as completed for a program that started at start: every
// lesson completed, the last of them on or after the start. A course without lessons never completes.
func courseDone(f courseFact, cat catalog, start int) bool {
	n := cat.lessons[f.course]
	return n > 0 && f.done >= n && f.last.has(start)
}

// evaluate applies the rule. Each requirement is a part worth one share of progress: a required
// course by its share of lessons done, the hours and the sessions by their share of the minimum, the
// quiz by being passed (the best attempt counts: any passing attempt). Evidence counts from the start
// of the program on, with no upper bound: late work still completes an overdue program.
func (r rule) evaluate(f *facts, cat catalog) (done bool, progress float64) {
	parts, sum := 0, 0.0
	done = true
	add := func(share float64) {
		parts++
		if share >= 1 {
			share = 1
		} else {
			done = false
		}
		sum += share
	}
	for _, c := range r.courses {
		share := 0.0
		for _, cf := range f.courses {
			if cf.course != c {
				continue
			}
			if courseDone(cf, cat, r.start) {
				share = 1
			} else if n := cat.lessons[c]; n > 0 {
				share = math.Min(float64(cf.done), float64(n-1)) / float64(n)
			}
		}
		add(share)
	}
	if r.minHours > 0 || r.minEvents > 0 {
		hours, events := 0.0, 0
		for _, cf := range f.courses {
			if courseDone(cf, cat, r.start) {
				hours += cat.hours[cf.course]
			}
		}
		for _, l := range f.lectures {
			if l.held.has(r.start) {
				hours += l.hours
				events++
			}
		}
		if r.minHours > 0 {
			// Hours are sums of decimals: a hair under the minimum is the minimum.
			add(math.Min(hours+1e-9, r.minHours) / r.minHours)
		}
		if r.minEvents > 0 {
			add(float64(events) / float64(r.minEvents))
		}
	}
	if r.quiz > 0 {
		share := 0.0
		for _, q := range f.quizzes {
			if q.quiz == r.quiz && q.passed.has(r.start) {
				share = 1
			}
		}
		add(share)
	}
	if parts == 0 {
		return false, 0
	}
	return done, math.Round(sum/float64(parts)*10000) / 10000
}

// nextStatus is an enrollment's status after evaluation. Exemption is a manager's decision and
// completion is final (its certificate may be out), so evaluation changes neither.
func nextStatus(cur string, done bool, progress float64, due, now time.Time) string {
	switch {
	case cur == Exempt || cur == Completed:
		return cur
	case done:
		return Completed
	case now.After(due):
		return Overdue
	case progress > 0:
		return InProgress
	}
	return Assigned
}
