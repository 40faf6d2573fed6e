package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Notification is an in-app message, e-mailed when SMTP is configured. The key makes a reminder unique:
// sending the same key twice is a no-op.
type Notification struct{ ent.Schema }

// Fields of Notification.
func (Notification) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id"),
		field.String("key").MaxLen(191).Unique(),
		field.String("kind").MaxLen(32),
		field.String("title").MaxLen(200),
		field.Text("body").Optional(),
		field.String("link").Optional().MaxLen(500),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
		field.Time("read_at").Optional().Nillable().SchemaType(datetime),
		field.Time("emailed_at").Optional().Nillable().SchemaType(datetime),
	}
}

// Indexes of Notification.
func (Notification) Indexes() []ent.Index {
	return []ent.Index{index.Fields("person_id", "read_at")}
}

// JobRun records one run of a scheduled check, by the schedule or by hand.
type JobRun struct{ ent.Schema }

// Fields of JobRun.
func (JobRun) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").MaxLen(64),
		field.String("trigger").MaxLen(16),
		field.String("slot").Optional().MaxLen(32),
		field.String("holder").Optional().MaxLen(128),
		field.Time("started_at").Default(now).SchemaType(datetime),
		field.Time("finished_at").Optional().Nillable().SchemaType(datetime),
		field.String("outcome").Default("running").MaxLen(16),
		field.JSON("counts", map[string]int{}).Optional(),
		field.Text("error").Optional(),
	}
}

// Indexes of JobRun.
func (JobRun) Indexes() []ent.Index {
	return []ent.Index{index.Fields("name", "started_at")}
}

// JobLease lets exactly one replica claim each scheduled slot of a job.
type JobLease struct{ ent.Schema }

// Fields of JobLease.
func (JobLease) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").MaxLen(64).Unique(),
		field.String("holder").Default("").MaxLen(128),
		field.Time("until").SchemaType(datetime),
		field.String("last_slot").Default("").MaxLen(32),
	}
}

// AuditEvent records who did what to which record, from where and when.
type AuditEvent struct{ ent.Schema }

// Fields of AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("actor_id").Optional().Nillable(),
		field.String("action").MaxLen(64),
		field.String("target_type").MaxLen(32),
		field.Int("target_id").Optional(),
		field.Text("detail").Optional(),
		field.String("ip").Optional().MaxLen(64),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
	}
}

// Indexes of AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("target_type", "target_id"), index.Fields("created_at")}
}
