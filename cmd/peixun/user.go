package main

import (
	"context"
	"fmt"
	"os"

	"peixun/accounts"
	"peixun/ent/person"
	"peixun/ent/unit"
)

const userUsage = `peixun user add --username NAME --name 姓名 [--unit CODE] [--password P]   create an administrator
peixun user passwd --username NAME [--password P]                     reset a password (prompted on stdin if omitted)
peixun user token --username NAME [--name LABEL]                      issue an API token (printed once)`

func runUser(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(os.Stderr, "Usage:\n"+userUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	fs := flags("user "+sub, userUsage)
	username := fs.String("username", "", "username (lower-case)")
	name := fs.String("name", "", "display name, or the token's label for `token`")
	unitCode := fs.String("unit", "", "unit code for `add` (default: the root unit)")
	password := fs.String("password", "", "password (read from stdin when empty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return fmt.Errorf("--username is required")
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	c := a.db.Client
	switch sub {
	case "add":
		pw, err := readPassword(*password)
		if err != nil {
			return err
		}
		q := c.Unit.Query().Where(unit.ParentIDIsNil())
		if *unitCode != "" {
			q = c.Unit.Query().Where(unit.Code(*unitCode))
		}
		u, err := q.First(ctx)
		if err != nil {
			return fmt.Errorf("finding unit (create one first, or run `peixun seed`): %w", err)
		}
		if *name == "" {
			*name = *username
		}
		p, err := a.accounts.CreatePerson(ctx, accounts.System, accounts.PersonInput{Username: *username, Name: *name,
			UnitID: u.ID, Category: "staff", Roles: []string{accounts.RoleAdmin}, Password: pw})
		if err != nil {
			return err
		}
		fmt.Printf("administrator %s created (id %d)\n", p.Username, p.ID)
	case "passwd":
		p, err := c.Person.Query().Where(person.Username(*username)).Only(ctx)
		if err != nil {
			return fmt.Errorf("finding %s: %w", *username, err)
		}
		pw, err := readPassword(*password)
		if err != nil {
			return err
		}
		if err := a.accounts.SetPassword(ctx, accounts.System, p.ID, pw); err != nil {
			return err
		}
		fmt.Printf("password of %s reset; their sessions have ended\n", p.Username)
	case "token":
		p, err := c.Person.Query().Where(person.Username(*username)).Only(ctx)
		if err != nil {
			return fmt.Errorf("finding %s: %w", *username, err)
		}
		label := *name
		if label == "" {
			label = "command line"
		}
		plain, _, err := a.accounts.CreateToken(ctx, accounts.System, p.ID, label)
		if err != nil {
			return err
		}
		fmt.Println(plain)
	default:
		return fmt.Errorf("unknown user command %q\n%s", sub, userUsage)
	}
	return nil
}

func readPassword(given string) (string, error) {
	if given != "" {
		return given, nil
	}
	fmt.Fprint(os.Stderr, "password: ")
	var pw string
	if _, err := fmt.Fscanln(os.Stdin, &pw); err != nil {
		return "", fmt.Errorf("reading password from stdin: %w", err)
	}
	return pw, nil
}
