module example.com/{{name}}

go 1.26.0

require github.com/polyconnect/polyconnect/clients/go v{{sdk_version}}
