package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Unit is an organisational unit: the bureau, its departments and squads, their teams. Units form a
// tree; path holds the ids from the root ("/1/4/9/") so that a manager's subtree is one indexed prefix.
type Unit struct{ ent.Schema }

// Fields of Unit.
func (Unit) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(100),
		field.String("code").NotEmpty().MaxLen(64).Unique(),
		field.Int("parent_id").Optional().Nillable(),
		field.String("path").MaxLen(255).Default("/"),
		field.Int("position").Default(0),
		field.Time("created_at").Default(now).Immutable().SchemaType(datetime),
	}
}

// Edges of Unit.
func (Unit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Unit.Type).From("parent").Field("parent_id").Unique(),
		edge.To("people", Person.Type),
	}
}

// Indexes of Unit.
func (Unit) Indexes() []ent.Index {
	return []ent.Index{index.Fields("path"), index.Fields("parent_id", "position")}
}
