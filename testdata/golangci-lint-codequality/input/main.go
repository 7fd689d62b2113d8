package main

import (
	"fmt"
	"os"
)

func unusedHelper() int { return 1 }

func main() {
	f, _ := os.Create("out.txt")
	f.Write([]byte("x"))
	x := 1
	x = 2
	fmt.Println(x)
	fmt.Printf("%d\n", "not a number")
	defer f.Close()
}
