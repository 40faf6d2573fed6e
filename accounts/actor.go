// Package accounts owns units (a tree), people, roles, passwords, sessions, API tokens, the roster
// import and the audit trail.
package accounts

import (
	"slices"
	"strconv"
	"strings"
)

// Roles a person may hold. Everyone signed in can study (learner); the others add rights.
const (
	RoleAdmin   = "admin"
	RoleManager = "manager"
	RoleTrainer = "trainer"
	RoleLearner = "learner"
)

// AllRoles lists the roles in the order the interface shows them.
var AllRoles = []string{RoleAdmin, RoleManager, RoleTrainer, RoleLearner}

// Categories of people, as the work plan names them.
var Categories = []string{"officer", "auxiliary", "cadre", "staff"}

// Actor is the caller of a domain operation: who they are, their roles and their unit. A manager's
// scope is their unit's subtree; an administrator's scope is everything.
type Actor struct {
	PersonID int
	Name     string
	UnitID   int
	UnitPath string // "/1/4/": the ids from the root to the actor's unit, inclusive
	Roles    []string
}

// System is the actor of scheduled jobs and command-line tools.
var System = Actor{Name: "system", Roles: []string{RoleAdmin}}

// Has tells whether the actor holds the role.
func (a Actor) Has(role string) bool { return slices.Contains(a.Roles, role) }

// IsAdmin tells whether the actor is an administrator.
func (a Actor) IsAdmin() bool { return a.Has(RoleAdmin) }

// ScopePath is the unit path prefix the actor may manage: "/" for administrators, the actor's unit
// subtree for managers, "" (nothing) for others.
func (a Actor) ScopePath() string {
	switch {
	case a.IsAdmin():
		return "/"
	case a.Has(RoleManager):
		return a.UnitPath
	}
	return ""
}

// Manages tells whether a unit with the given path lies in the actor's scope.
func (a Actor) Manages(unitPath string) bool {
	scope := a.ScopePath()
	return scope != "" && strings.HasPrefix(unitPath, scope)
}

// ChildPath is the path of a unit with the given id below a parent path.
func ChildPath(parentPath string, id int) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.Itoa(id) + "/"
}
