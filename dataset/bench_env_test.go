package dataset_test

import (
	"os"
	"strconv"
)

func benchPeople() int {
	n, _ := strconv.Atoi(os.Getenv("PEIXUN_BENCH_PEOPLE"))
	return n
}
