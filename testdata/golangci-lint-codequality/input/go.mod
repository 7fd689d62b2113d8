module example.invalid/lintme

go 1.22
