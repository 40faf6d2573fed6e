package training

import (
	"testing"
	"time"

	"peixun/accounts"
	"peixun/ent/schema"
	"peixun/fault"
)

func TestProgramValidation(t *testing.T) {
	e := newEnv(t)
	root := e.unit("局", nil)
	someone := e.person(root, "officer")
	bad := 150.0
	good := func() ProgramInput {
		return ProgramInput{Name: "2021年度轮训", Kind: "rotation", StartsAt: sh(2021, 1, 1, 0, 0), DueAt: sh(2021, 12, 31, 0, 0),
			Requirements: hours(20)}
	}
	tests := []struct {
		name  string
		edit  func(*ProgramInput)
		field string
	}{
		{"no name", func(in *ProgramInput) { in.Name = "  " }, "name"},
		{"bad kind", func(in *ProgramInput) { in.Kind = "party" }, "kind"},
		{"no start", func(in *ProgramInput) { in.StartsAt = time.Time{} }, "starts_at"},
		{"due before start", func(in *ProgramInput) { in.DueAt = in.StartsAt.AddDate(0, 0, -1) }, "due_at"},
		{"target over 100", func(in *ProgramInput) { in.TargetRate = &bad }, "target_rate"},
		{"unknown category", func(in *ProgramInput) { in.Audience.Categories = []string{"pilot"} }, "audience.categories"},
		{"unknown unit", func(in *ProgramInput) { in.Audience.UnitIDs = []int{root.ID + 1000} }, "audience.unit_ids"},
		{"unknown person", func(in *ProgramInput) { in.Audience.Include = []int{someone.ID + 1000} }, "audience.include"},
		{"included and excluded", func(in *ProgramInput) {
			in.Audience.Include, in.Audience.Exclude = []int{someone.ID}, []int{someone.ID}
		}, "audience.exclude"},
		{"unknown course", func(in *ProgramInput) { in.Requirements.CourseIDs = []int{999} }, "requirements.course_ids"},
		{"unknown quiz", func(in *ProgramInput) { in.Requirements.QuizID = 999 }, "requirements.quiz_id"},
		{"negative hours", func(in *ProgramInput) { in.Requirements.MinHours = -1 }, "requirements.min_hours"},
		{"no requirement", func(in *ProgramInput) { in.Requirements = schema.Requirements{} }, "requirements"},
		{"bad prefix", func(in *ProgramInput) { in.Certificate, in.CertPrefix = true, "YH 2021" }, "cert_prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good()
			tt.edit(&in)
			_, err := e.svc.CreateProgram(e.ctx, e.admin, in)
			f, ok := fault.As(err)
			if !ok || f.Kind != fault.Invalid || f.Field != tt.field {
				t.Fatalf("got %v, want an invalid %s", err, tt.field)
			}
		})
	}
	p, err := e.svc.CreateProgram(e.ctx, e.admin, good())
	if err != nil {
		t.Fatal(err)
	}
	if p.TargetRate != 100 || p.Status != "draft" {
		t.Fatalf("target %v status %s, want 100 and draft", p.TargetRate, p.Status)
	}
}

func TestProgramPermissions(t *testing.T) {
	e := newEnv(t)
	root := e.unit("局", nil)
	squad := e.unit("中队", root)
	other := e.unit("科室", root)
	mgr := e.actor(e.person(squad, "cadre", accounts.RoleManager))
	trainer := e.actor(e.person(other, "staff", accounts.RoleTrainer))
	learner := e.actor(e.person(squad, "officer"))
	in := ProgramInput{Name: "中队轮训", StartsAt: sh(2021, 1, 1, 0, 0), DueAt: sh(2021, 12, 31, 0, 0), Requirements: hours(10),
		Audience: schema.Audience{UnitIDs: []int{squad.ID}}}
	for _, a := range []accounts.Actor{mgr, learner} {
		if _, err := e.svc.CreateProgram(e.ctx, a, in); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("%v created a program: %v", a.Roles, err)
		}
	}
	p, err := e.svc.CreateProgram(e.ctx, trainer, in)
	if err != nil {
		t.Fatal(err)
	}
	// A draft is invisible to managers; once active, the squad's manager sees it, another does not.
	if _, err := e.svc.Program(e.ctx, mgr, p.ID); !fault.Is(err, fault.NotFound) {
		t.Fatalf("manager saw a draft: %v", err)
	}
	if _, err := e.svc.SetProgramStatus(e.ctx, trainer, p.ID, StatusActive); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Program(e.ctx, mgr, p.ID); err != nil {
		t.Fatalf("manager of the audience unit: %v", err)
	}
	otherMgr := e.actor(e.person(other, "cadre", accounts.RoleManager))
	if ps, err := e.svc.Programs(e.ctx, otherMgr, ProgramFilter{}); err != nil || len(ps) != 0 {
		t.Fatalf("manager of another unit sees %d programs (%v)", len(ps), err)
	}
	if ps, err := e.svc.Programs(e.ctx, learner, ProgramFilter{}); err != nil || len(ps) != 1 {
		t.Fatalf("enrolled learner sees %d programs (%v)", len(ps), err)
	}
	if err := e.svc.DeleteProgram(e.ctx, e.admin, p.ID); !fault.Is(err, fault.Conflict) {
		t.Fatalf("deleted a program with enrollments: %v", err)
	}
}
