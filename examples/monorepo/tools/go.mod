module example.com/monorepo/tools

go 1.22
