package main

func awesome(client *configcat.Client, user *configcat.UserData) bool {
	enabled := client.GetBoolValue("goAwesomeFeature", false, user)
	fromSnapshot := configcat.Bool("goSnapshotFeature", false).Get(client.Snapshot(user))
	return enabled && fromSnapshot
}
