module github.com/asession/asession/bindings/go

go 1.20
