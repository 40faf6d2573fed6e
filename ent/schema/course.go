package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Course is a unit of online study owned by a trainer: ordered lessons and the credit hours (学时) it gives.
type Course struct{ ent.Schema }

// Fields of Course.
func (Course) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(200),
		field.Text("summary").Optional().SchemaType(longText),
		field.Strings("tags").Optional(),
		field.Float("credit_hours").Default(0),
		field.Enum("status").Values("draft", "published", "archived").Default("draft"),
		field.Bool("no_skip").Default(false),
		field.Bool("allow_download").Default(true),
		field.Int("owner_id"),
		field.Time("published_at").Optional().Nillable().SchemaType(datetime),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
		field.Time("updated_at").Default(now).UpdateDefault(now).SchemaType(datetime),
	}
}

// Indexes of Course.
func (Course) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status"), index.Fields("owner_id")}
}

// Lesson is one step of a course: a video, a document, a text or a link.
type Lesson struct{ ent.Schema }

// Fields of Lesson.
func (Lesson) Fields() []ent.Field {
	return []ent.Field{
		field.Int("course_id"),
		field.Int("position").Default(0),
		field.String("title").NotEmpty().MaxLen(200),
		field.Enum("kind").Values("video", "document", "text", "link"),
		field.Int("material_id").Optional().Nillable(),
		field.Text("body").Optional().SchemaType(longText),
		field.String("url").Optional().MaxLen(1000),
		field.Int("min_seconds").Default(0),
		field.Int("duration_seconds").Default(0),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
	}
}

// Indexes of Lesson.
func (Lesson) Indexes() []ent.Index {
	return []ent.Index{index.Fields("course_id", "position")}
}

// Material is an uploaded file, stored once per SHA-256 in the blob store.
type Material struct{ ent.Schema }

// Fields of Material.
func (Material) Fields() []ent.Field {
	return []ent.Field{
		field.String("blob_key").MaxLen(200),
		field.String("file_name").MaxLen(255),
		field.String("content_type").MaxLen(100),
		field.Int64("size"),
		field.String("sha256").MaxLen(64).Unique(),
		field.Int("uploader_id"),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
	}
}

// LessonProgress is one person's study of one lesson. course_id is copied from the lesson so that
// completion can be counted per course from one covering index.
type LessonProgress struct{ ent.Schema }

// Fields of LessonProgress.
func (LessonProgress) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id"),
		field.Int("lesson_id"),
		field.Int("course_id"),
		field.Int("seconds_studied").Default(0),
		field.Float("last_position").Default(0),
		field.Float("max_position").Default(0),
		field.Time("last_report_at").Optional().Nillable().SchemaType(datetime),
		field.Time("completed_at").Optional().Nillable().SchemaType(datetime),
		field.Time("updated_at").Default(now).UpdateDefault(now).SchemaType(datetime),
	}
}

// Indexes of LessonProgress.
func (LessonProgress) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("person_id", "lesson_id").Unique(),
		index.Fields("course_id", "person_id", "completed_at"),
	}
}

// Lecture is an in-person session (a lecture or a training day) whose attendance counts as credit hours.
type Lecture struct{ ent.Schema }

// Fields of Lecture.
func (Lecture) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(200),
		field.Time("held_on").SchemaType(datetime),
		field.Float("hours"),
		field.String("trainer").Optional().MaxLen(100),
		field.String("checkin_code").Optional().Nillable().MaxLen(32).Unique(),
		field.Time("checkin_opens").Optional().Nillable().SchemaType(datetime),
		field.Time("checkin_closes").Optional().Nillable().SchemaType(datetime),
		field.Int("created_by"),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
	}
}

// Attendance records that a person attended a lecture.
type Attendance struct{ ent.Schema }

// Fields of Attendance.
func (Attendance) Fields() []ent.Field {
	return []ent.Field{
		field.Int("lecture_id"),
		field.Int("person_id"),
		field.Float("hours"),
		field.Enum("source").Values("roster", "checkin").Default("roster"),
		field.Time("recorded_at").Default(now).SchemaType(datetime),
	}
}

// Indexes of Attendance.
func (Attendance) Indexes() []ent.Index {
	return []ent.Index{index.Fields("lecture_id", "person_id").Unique(), index.Fields("person_id")}
}
