package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Session is a signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a
// leaked table does not sign anyone in. Every replica reads the same rows.
type Session struct{ ent.Schema }

// Fields of Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").MaxLen(64).Unique().Immutable(),
		field.Int("person_id"),
		field.String("csrf").MaxLen(64),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
		field.Time("last_seen_at").Default(now).SchemaType(datetime),
		field.Time("expires_at").SchemaType(datetime),
		field.String("ip").Optional().MaxLen(64),
		field.String("user_agent").Optional().MaxLen(255),
	}
}

// Indexes of Session.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("person_id"), index.Fields("expires_at")}
}

// APIToken lets scripts and other systems call /api/v1 as a person. Shown once; stored hashed.
type APIToken struct{ ent.Schema }

// Fields of APIToken.
func (APIToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(100),
		field.String("token_hash").MaxLen(64).Unique().Immutable(),
		field.String("prefix").MaxLen(16),
		field.Int("person_id"),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
		field.Time("last_used_at").Optional().Nillable().SchemaType(datetime),
		field.Time("revoked_at").Optional().Nillable().SchemaType(datetime),
	}
}

// Indexes of APIToken.
func (APIToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("person_id")}
}

// Throttle counts events per key in a fixed window (sign-in attempts per IP, verification look-ups),
// in the database so that every replica sees the same count.
type Throttle struct{ ent.Schema }

// Fields of Throttle.
func (Throttle) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").MaxLen(128).Unique(),
		field.Time("window_start").SchemaType(datetime),
		field.Int("count").Default(0),
	}
}
