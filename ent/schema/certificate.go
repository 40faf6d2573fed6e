package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Certificate is a training certificate we issued. The serial is per program without gaps; the
// verification code is random so it cannot be guessed.
type Certificate struct{ ent.Schema }

// Fields of Certificate.
func (Certificate) Fields() []ent.Field {
	return []ent.Field{
		field.String("serial").MaxLen(64).Unique(),
		field.Int("program_id"),
		field.Int("seq"),
		field.Int("person_id"),
		field.Int("enrollment_id").Optional().Nillable(),
		field.String("verify_code").MaxLen(32).Unique(),
		field.Time("issued_at").Default(now).SchemaType(datetime),
		field.Time("completed_at").Optional().Nillable().SchemaType(datetime),
		field.Time("expires_at").Optional().Nillable().SchemaType(datetime),
		field.Time("revoked_at").Optional().Nillable().SchemaType(datetime),
		field.String("revoked_reason").Optional().MaxLen(500),
		field.String("content_hash").Optional().MaxLen(64),
		field.Time("rendered_at").Optional().Nillable().SchemaType(datetime),
		// What the certificate says, frozen at issue: a later transfer or rename must not change a
		// document already handed out, and re-rendering must give the same bytes (the content hash).
		field.String("holder_name").Default("").MaxLen(64),
		field.String("unit_name").Default("").MaxLen(100),
		field.String("program_name").Default("").MaxLen(200),
		field.Float("credit_hours").Default(0),
		field.String("issuer").Default("").MaxLen(200),
		field.String("title").Default("").MaxLen(200),
		field.Text("body").Optional(),
	}
}

// Indexes of Certificate.
func (Certificate) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("program_id", "seq").Unique(),
		// One certificate per person and program: Issue relies on it to stay idempotent when two
		// replicas issue at once.
		index.Fields("program_id", "person_id").Unique(),
		index.Fields("person_id"),
		index.Fields("content_hash"),
	}
}
