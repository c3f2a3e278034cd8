// The oracle the function-table tests compare against: a Go program that
// reads a binary's .gopclntab with Go's own debug/gosym and prints one line
// per function, as `print` (a Go statement using `fn`) says.
export function gosymProgram(print: string): string {
  return `package main

import (
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
)

func main() {
	f, err := elf.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	data, err := f.Section(".gopclntab").Data()
	if err != nil {
		panic(err)
	}
	t, err := gosym.NewTable(nil, gosym.NewLineTable(data, f.Section(".text").Addr))
	if err != nil {
		panic(err)
	}
	for _, fn := range t.Funcs {
		${print}
	}
}
`
}
