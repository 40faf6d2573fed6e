package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Audience says who a program is for: people of these categories in these unit subtrees, plus people
// added by name, minus people excluded by name. Empty lists mean "any".
type Audience struct {
	Categories []string `json:"categories,omitempty"`
	UnitIDs    []int    `json:"unit_ids,omitempty"`
	Include    []int    `json:"include,omitempty"`
	Exclude    []int    `json:"exclude,omitempty"`
}

// Requirements say what completes a program.
type Requirements struct {
	CourseIDs []int   `json:"course_ids,omitempty"`
	MinHours  float64 `json:"min_hours,omitempty"`
	QuizID    int     `json:"quiz_id,omitempty"`
}

// Program is a training plan with a target: rotational training, auxiliary-staff training, law study,
// a competition.
type Program struct{ ent.Schema }

// Fields of Program.
func (Program) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200),
		field.Enum("kind").Values("rotation", "auxiliary", "law_study", "competition", "other").Default("rotation"),
		field.Text("description").Optional(),
		field.Time("starts_at").SchemaType(datetime),
		field.Time("due_at").SchemaType(datetime),
		field.Float("target_rate").Default(100),
		field.JSON("audience", Audience{}).Optional(),
		field.JSON("requirements", Requirements{}).Optional(),
		field.Int("min_events").Default(0),
		field.Bool("certificate").Default(false),
		field.String("cert_prefix").Optional().MaxLen(32),
		field.String("cert_title").Optional().MaxLen(200),
		field.Text("cert_body").Optional(),
		field.Int("cert_valid_months").Default(0),
		field.Int("cert_seq").Default(0),
		field.Enum("status").Values("draft", "active", "closed").Default("draft"),
		field.Int("created_by").Optional(),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
		field.Time("updated_at").Default(now).UpdateDefault(now).SchemaType(datetime),
	}
}

// Enrollment is a person in a program. unit_id is the unit the person counts for (it follows
// transfers); left_scope_at takes the person out of the denominator from that date without losing history.
type Enrollment struct{ ent.Schema }

// Fields of Enrollment.
func (Enrollment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("program_id"),
		field.Int("person_id"),
		field.Int("unit_id"),
		field.Enum("status").Values("assigned", "in_progress", "completed", "overdue", "exempt").Default("assigned"),
		field.Float("progress").Default(0),
		field.Time("enrolled_at").Default(now).SchemaType(datetime),
		field.Time("completed_at").Optional().Nillable().SchemaType(datetime),
		field.Time("left_scope_at").Optional().Nillable().SchemaType(datetime),
		field.String("exempt_reason").Optional().MaxLen(500),
		field.Int("exempted_by").Optional().Nillable(),
		field.Time("exempted_at").Optional().Nillable().SchemaType(datetime),
		field.Time("updated_at").Default(now).UpdateDefault(now).SchemaType(datetime),
	}
}

// Indexes of Enrollment.
func (Enrollment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("program_id", "person_id").Unique(),
		index.Fields("program_id", "unit_id", "status"),
		// Covers the sweep's synchronization (who left, who moved) and the figures by unit and
		// status over the people in scope, without reading the rows.
		index.Fields("program_id", "left_scope_at", "unit_id", "status", "person_id"),
		index.Fields("person_id"),
	}
}

// CompletionSnapshot is the completion of one unit in one program on one day (Asia/Shanghai), written by
// the nightly sweep so that dashboards and trends never scan enrollments at view time.
type CompletionSnapshot struct{ ent.Schema }

// Fields of CompletionSnapshot.
func (CompletionSnapshot) Fields() []ent.Field {
	return []ent.Field{
		field.Int("program_id"),
		field.Int("unit_id"),
		field.String("day").MaxLen(10),
		field.Int("in_scope").Default(0),
		field.Int("completed").Default(0),
		field.Int("exempt").Default(0),
		field.Float("rate").Default(0),
	}
}

// Indexes of CompletionSnapshot.
func (CompletionSnapshot) Indexes() []ent.Index {
	return []ent.Index{index.Fields("program_id", "unit_id", "day").Unique(), index.Fields("program_id", "day")}
}
