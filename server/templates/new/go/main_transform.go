package main

import pc "github.com/polyconnect/polyconnect/clients/go"

func main() {
	pc.Serve(Plugin)
}
