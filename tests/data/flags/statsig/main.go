package main

func home(user statsig.User) bool {
	return statsig.CheckGate(user, "go_fancy_home")
}
