# Prints `make help` from the Makefile itself: `##@ Group` lines start a group, `target: ## text` lines
# become entries. Colour only on a terminal without NO_COLOR.
BEGIN {
  FS = ":.*## "
  tty = (system("test -t 1") == 0) && ENVIRON["NO_COLOR"] == ""
  bold = tty ? "\033[1m" : ""; cyan = tty ? "\033[36m" : ""; reset = tty ? "\033[0m" : ""
  printf "Usage: make %s<target>%s\n", cyan, reset
}
/^##@ / { printf "\n%s%s%s\n", bold, substr($0, 5), reset; next }
/^[a-zA-Z0-9_-]+:.*## / { printf "  %s%-24s%s %s\n", cyan, $1, reset, $2 }
