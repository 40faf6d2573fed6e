package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// QuestionCategory groups questions in a tree; path holds the ids from the root for subtree draws.
type QuestionCategory struct{ ent.Schema }

// Fields of QuestionCategory.
func (QuestionCategory) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200),
		field.Int("parent_id").Optional().Nillable(),
		field.String("path").MaxLen(255).Default("/"),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
	}
}

// Indexes of QuestionCategory.
func (QuestionCategory) Indexes() []ent.Index {
	return []ent.Index{index.Fields("path")}
}

// Question is one version of a question. Editing makes a new row with the same lineage and a higher
// version; attempts keep pointing at the version they were shown.
type Question struct{ ent.Schema }

// Fields of Question.
func (Question) Fields() []ent.Field {
	return []ent.Field{
		field.Int("category_id"),
		field.Int("lineage_id").Default(0),
		field.Int("version").Default(1),
		field.Enum("kind").Values("single", "multiple", "true_false", "fill_blank", "short_answer"),
		field.Text("stem").NotEmpty().SchemaType(longText),
		field.Strings("options").Optional(),
		field.Strings("answer").Optional(),
		field.Text("explanation").Optional(),
		field.Int("difficulty").Default(3).Range(1, 5),
		field.Strings("tags").Optional(),
		field.String("statute").Optional().MaxLen(100),
		field.String("article").Optional().MaxLen(50),
		field.Enum("status").Values("active", "retired", "superseded").Default("active"),
		field.Int("created_by").Optional(),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
	}
}

// Indexes of Question.
func (Question) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("category_id", "kind", "status"),
		index.Fields("lineage_id", "version"),
		index.Fields("statute", "article"),
	}
}

// Quiz is a practice set, an exam or a competition, with the rules that draw its papers.
type Quiz struct{ ent.Schema }

// Fields of Quiz.
func (Quiz) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(200),
		field.Text("description").Optional(),
		field.Enum("mode").Values("practice", "exam", "competition").Default("exam"),
		field.JSON("rules", []map[string]any{}).Optional(),
		field.Int("time_limit_seconds").Default(0),
		field.Float("pass_score").Default(60),
		field.Int("attempts_allowed").Default(1),
		field.Time("opens_at").Optional().Nillable().SchemaType(datetime),
		field.Time("closes_at").Optional().Nillable().SchemaType(datetime),
		field.Bool("shuffle_questions").Default(true),
		field.Bool("shuffle_options").Default(true),
		field.Bool("partial_credit").Default(false),
		field.Enum("review").Values("after_submit", "after_close", "never").Default("after_submit"),
		field.Enum("status").Values("draft", "published", "archived").Default("draft"),
		field.Int("created_by").Optional(),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
	}
}

// Attempt is one sitting of a quiz by a person. The paper is frozen at the start; active_key is
// "quiz:person" while the attempt is in progress and NULL after, so a unique index allows only one
// attempt in progress per person and quiz on every database.
type Attempt struct{ ent.Schema }

// Fields of Attempt.
func (Attempt) Fields() []ent.Field {
	return []ent.Field{
		field.Int("quiz_id"),
		field.Int("person_id"),
		field.Int("number").Default(1),
		field.JSON("paper", []PaperItem{}).Optional(),
		field.Time("started_at").Default(now).SchemaType(datetime),
		field.Time("deadline").Optional().Nillable().SchemaType(datetime),
		field.Time("submitted_at").Optional().Nillable().SchemaType(datetime),
		field.Float("score").Default(0),
		field.Float("max_score").Default(0),
		field.Bool("passed").Default(false),
		field.Enum("status").Values("in_progress", "submitted", "graded").Default("in_progress"),
		field.String("active_key").Optional().Nillable().MaxLen(40).Unique(),
		field.Int("duration_seconds").Default(0),
	}
}

// Indexes of Attempt.
func (Attempt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("quiz_id", "status"), index.Fields("person_id", "quiz_id"), index.Fields("status", "deadline")}
}

// Answer is a person's response to one question of an attempt; seq from the page makes the last one win.
type Answer struct{ ent.Schema }

// Fields of Answer.
func (Answer) Fields() []ent.Field {
	return []ent.Field{
		field.Int("attempt_id"),
		field.Int("question_id"),
		field.Strings("response").Optional(),
		field.Int("seq").Default(0),
		field.Float("points").Optional().Nillable(),
		// max_points is the question's weight on this paper, copied at the start so that statistics and
		// the wrong-question book are plain aggregates over answers, without reading the paper JSON.
		field.Float("max_points").Default(0),
		field.Bool("correct").Optional().Nillable(),
		field.Time("saved_at").Default(now).SchemaType(datetime),
	}
}

// Indexes of Answer.
func (Answer) Indexes() []ent.Index {
	return []ent.Index{index.Fields("attempt_id", "question_id").Unique(), index.Fields("question_id")}
}
