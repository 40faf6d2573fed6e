package main

import (
	"context"
	"testing"

	"peixun/database"
	"peixun/database/dbtest"
	"peixun/dataset"
	"peixun/load"
)

// TestLoadExamLosesNothing runs a small exam burst against a real server process over a generated
// dataset and checks the database for every acknowledged answer.
func TestLoadExamLosesNothing(t *testing.T) {
	ctx := context.Background()
	db, dbURL := generatedDB(t, 80, 3)
	t.Setenv("PEIXUN_LOGIN_IP_ATTEMPTS", "100000") // every learner signs in from 127.0.0.1
	base := startServe(t, dbURL)
	names, err := load.Learners(ctx, db.SQL, 40)
	if err != nil {
		t.Fatal(err)
	}
	res, err := load.RunExam(ctx, load.ExamConfig{BaseURL: base, Usernames: names, Password: dataset.Password,
		QuizTitle: dataset.BurstQuizTitle, SaveRate: 400, Rewrites: 0.2, Conns: 64})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Rec.Summaries() {
		if s.Errors > 0 {
			t.Errorf("%s: %d errors %v", s.Kind, s.Errors, s.ErrorKinds)
		}
	}
	if len(res.Attempts) != 40 || len(res.Acks) < 40*20 {
		t.Fatalf("%d attempts, %d acknowledged answers", len(res.Attempts), len(res.Acks))
	}
	lost, checked, err := load.Lost(ctx, db.SQL, res.Acks)
	if err != nil {
		t.Fatal(err)
	}
	if lost != 0 || checked != 40*20 {
		t.Fatalf("lost %d of %d checked answers", lost, checked)
	}
	if n := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM attempts WHERE status = 'graded' AND id IN (SELECT id FROM attempts WHERE quiz_id = (SELECT id FROM quizs WHERE title = ?))", dataset.BurstQuizTitle); n != 40 {
		t.Fatalf("%d burst attempts graded, want 40", n)
	}
}

// generatedDB is a fresh test database with a generated dataset of people, and its URL for a server.
func generatedDB(t *testing.T, people int, seed uint64) (*database.DB, string) {
	t.Helper()
	dbURL := dbtest.URL(t)
	db, err := database.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Generate(ctx, db, dataset.Options{People: people, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	return db, dbURL
}
