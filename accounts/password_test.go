package accounts

import (
	"testing"
	"time"
)

// With every slot taken, a password check waits; it runs as soon as one is given back.
func TestPasswordHashesWaitForASlot(t *testing.T) {
	hash, err := HashPassword("Peixun2021")
	if err != nil {
		t.Fatal(err)
	}
	for range cap(argonSlots) {
		argonSlots <- struct{}{}
	}
	taken := cap(argonSlots)
	defer func() {
		for range taken {
			<-argonSlots
		}
	}()
	done := make(chan bool)
	go func() { done <- CheckPassword(hash, "Peixun2021") }()
	select {
	case <-done:
		t.Fatal("a password was hashed while every slot was taken")
	case <-time.After(300 * time.Millisecond): // a hash takes a few tens of milliseconds
	}
	<-argonSlots
	taken--
	if !<-done {
		t.Fatal("the right password did not match once a slot was free")
	}
	if CheckPassword(hash, "wrong-password-1") {
		t.Fatal("a wrong password matched")
	}
}
