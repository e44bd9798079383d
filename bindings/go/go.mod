module gwroute.dev/gwroute

go 1.19
