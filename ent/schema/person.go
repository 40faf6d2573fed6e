package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Person is anyone who signs in: officers, auxiliary staff, cadres, trainers, managers, administrators.
// People with records are never deleted; they are suspended or marked as left.
type Person struct{ ent.Schema }

// Fields of Person.
func (Person) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").NotEmpty().MaxLen(64).Unique(),
		field.String("name").NotEmpty().MaxLen(64),
		field.String("employee_no").Optional().Nillable().MaxLen(32).Unique(),
		field.String("phone").Optional().MaxLen(32),
		field.Int("unit_id"),
		field.Time("unit_since").Default(now).SchemaType(datetime),
		field.Enum("category").Values("officer", "auxiliary", "cadre", "staff").Default("officer"),
		field.Strings("roles").Optional(),
		field.String("credential_no").Optional().MaxLen(64),
		field.Time("credential_expires").Optional().Nillable().SchemaType(datetime),
		field.Enum("status").Values("active", "suspended", "left").Default("active"),
		field.Time("left_at").Optional().Nillable().SchemaType(datetime),
		field.String("password_hash").Sensitive().Default(""),
		field.Time("password_changed_at").Optional().Nillable().SchemaType(datetime),
		field.Int("failed_logins").Default(0),
		field.Time("locked_until").Optional().Nillable().SchemaType(datetime),
		field.String("locale").Optional().MaxLen(8),
		field.String("email").Optional().MaxLen(128),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
		field.Time("updated_at").Default(now).UpdateDefault(now).SchemaType(datetime),
	}
}

// Edges of Person.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("unit", Unit.Type).Ref("people").Field("unit_id").Unique().Required(),
	}
}

// Indexes of Person.
func (Person) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("unit_id", "status"),
		index.Fields("status", "category"),
		index.Fields("name"),
		index.Fields("credential_expires"),
	}
}
