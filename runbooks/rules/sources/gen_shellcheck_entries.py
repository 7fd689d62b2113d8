import yaml, sys
# (code, title, why, fix prose, before, after, hadolint-only)
COVERED_SHELLCHECK = {"SC1091", "SC2002", "SC2035", "SC2046", "SC2086", "SC2154", "SC2155", "SC2164"}
E = [
("SC1000", "`$` is not used specially and should therefore be escaped", "A lone `$` before a character that cannot start a variable name is printed literally; usually a variable name or brace went missing.", "Escape it if you mean a dollar sign, or complete the expansion:", 'echo "cost: $ 5"', 'echo "cost: \\$ 5"   # or: echo "cost: ${price}"'),
("SC1001", "This `\\o` will be a regular `o` in this context", "Outside quotes a backslash before an ordinary letter is dropped, so `\\n` is just `n`; the author usually expected an escape sequence or a Windows path.", "Quote the string, and use printf for escape sequences:", 'echo a\\nb', "printf 'a\\nb\\n'"),
("SC1007", "Remove space after `=` if trying to assign a value", "`var= value` assigns the empty string to `var` for the duration of the command `value`, which is rarely what was meant.", "Remove the space (use `var=''` for an empty value):", 'PREFIX= /usr/local', 'PREFIX=/usr/local'),
("SC1010", "Use semicolon or linefeed before `done`/`fi` (or quote to make it literal)", "Without a separator, `done` or `fi` is just another argument of the previous command, so the loop or `if` never closes.", "Add `;` or a newline:", 'for f in *.txt; do echo "$f" done', 'for f in *.txt; do echo "$f"; done'),
("SC1018", "This is a Unicode non-breaking space; delete it and retype as space", "A non-breaking space (often pasted from a web page or chat) is not a word separator for the shell, so two words become one.", "Retype the space; `grep -nP '\\xA0' script.sh` finds them:", 'apt-get\u00a0install -y curl', 'apt-get install -y curl'),
("SC1035", "You are missing a required space here", "`[`, `]`, `!` and keywords need spaces around them; `[ -f x]` or `if[` is parsed as a different command.", "Add the space:", 'if [ -f "$file"]; then', 'if [ -f "$file" ]; then'),
("SC1045", "It's not `foo &; bar`, just `foo & bar`", "`&` already terminates the command; `&;` is a syntax error.", "Drop the `;`:", 'server &; sleep 1', 'server & sleep 1'),
("SC1065", "Trying to declare parameters? Use () and refer to params as `$1`, `$2`", "Shell functions take no parameter list; `f(a, b)` is a syntax error.", "Declare `f()` and read the arguments:", 'greet(name) { echo "hi $name"; }', 'greet() { name=$1; echo "hi $name"; }'),
("SC1066", "Don't use `$` on the left side of assignments", "`$var=value` expands `var` and runs the result as a command instead of assigning.", "Drop the `$`:", '$VERSION=1.2.3', 'VERSION=1.2.3'),
("SC1068", "Don't put spaces around the `=` in assignments", "`var = value` runs a command named `var` with the arguments `=` and `value`.", "Remove the spaces:", 'VERSION = 1.2.3', 'VERSION=1.2.3'),
("SC1077", "For command expansion, the tick should slant left", "A forward tick (´ or ’) is not a backtick, so no command substitution happens; the characters are literal.", "Use `$(...)`:", 'today=´date +%F´', 'today=$(date +%F)'),
("SC1078", "Did you forget to close this double-quoted string?", "An unclosed quote swallows the rest of the script into one string, and the error appears far from the cause.", "Close the quote where the string ends:", 'echo "done', 'echo "done"'),
("SC1079", "This is actually an end quote, but due to next char it looks suspect", "A quote directly followed by a letter often means quotes are mismatched earlier in the line.", "Check the quoting of the whole line; nest quotes explicitly:", "echo \"it\"s fine\"", "echo \"it's fine\""),
("SC1081", "Scripts are case sensitive: use `if`, not `If`", "Keywords are lowercase; `If` or `Then` is looked up as a command and the block is a syntax error.", "Write the keyword in lowercase:", 'If [ -f x ]; Then echo y; Fi', 'if [ -f x ]; then echo y; fi'),
("SC1083", "This `{`/`}` is literal; check the expression (missing `;`/newline?) or quote it", "A brace that is not a group or an expansion is passed as a literal character, usually because `;` before `}` is missing.", "Add the separator, or quote a literal brace:", 'f() { echo hi }', 'f() { echo hi; }'),
("SC1086", "Don't use `$` on the iterator name in for loops", "`for $i in …` expands `i` instead of naming the loop variable.", "Name the variable without `$`:", 'for $f in *.log; do gzip "$f"; done', 'for f in *.log; do gzip "$f"; done'),
("SC1087", "Use braces when expanding arrays, e.g. `${array[idx]}`", "`$array[1]` expands `$array` (its first element) followed by the literal text `[1]`.", "Use braces:", 'echo "$files[1]"', 'echo "${files[1]}"'),
("SC1095", "You need a space or linefeed between the function name and body", "`f(){…}` is accepted by some shells but not others; POSIX needs a space or newline before the body.", "Add the space:", 'cleanup(){rm -rf "$tmp";}', 'cleanup() { rm -rf "$tmp"; }'),
("SC1097", "Unexpected `==`: for assignment use `=`, for comparison use `[`/`[[`", "`var==value` assigns the string `=value`; comparison only happens inside a test.", "Assign with `=`, compare inside `[ ]`:", 'if mode==prod; then deploy; fi', 'if [ "$mode" = prod ]; then deploy; fi'),
("SC1098", "Quote/escape special characters when using eval", "`eval` re-parses its arguments, so unquoted parentheses or `;` are interpreted twice.", "Quote the string you pass to `eval` (better: avoid `eval`):", 'eval a=(b c)', "eval 'a=(b c)'"),
("SC1099", "You need a space before the `#`", "Without a space `#` is part of the word, not a comment, so the 'comment' is passed as arguments.", "Add the space:", 'make build# compile', 'make build  # compile'),
("SC2015", "`A && B || C` is not if-then-else; C may run when A is true", "If B fails, C runs even though A succeeded, so a failing step can trigger the 'else' branch.", "Use an `if`:", 'test -f lock && rm lock || echo "no lock"', 'if test -f lock; then rm lock; else echo "no lock"; fi'),
("SC2026", "This word is outside of quotes; did you intend to nest single quotes?", "`'a'b'c'` is three pieces; the middle one is unquoted and subject to splitting and globbing.", "Quote the whole string, or switch to double quotes for the outer layer:", "sh -c 'echo 'hello world''", "sh -c \"echo 'hello world'\""),
("SC2028", "`echo` may not expand escape sequences; use `printf`", "Whether `echo` turns `\\n` into a newline depends on the shell and its options (dash does, bash does not), so output differs between `sh` and `bash`.", "Use printf:", 'echo "line1\\nline2"', "printf 'line1\\nline2\\n'"),
("SC2039", "In POSIX sh, this feature is undefined", "The script runs with `/bin/sh` (as Dockerfile `RUN` lines do) but uses a bash feature (arrays, `[[ ]]`, `function`, `==` in `[`…); on dash or busybox it fails. Newer ShellCheck versions report this as SC3xxx codes.", "Use the POSIX form, or run the script with bash (in a Dockerfile: `SHELL [\"/bin/bash\", \"-c\"]`):", '[[ $x == y ]] && echo y', '[ "$x" = y ] && echo y'),
("SC2140", "Word is of the form `\"A\"B\"C\"`; did you mean `\"ABC\"` or `\"A\\\"B\\\"C\"`?", "The inner quotes end and restart the string, so B is unquoted; usually the author wanted literal quotes.", "Escape the inner quotes or merge the string:", 'echo "name="app""', 'echo "name=\\"app\\""'),
("SC2225", "This `cp` has no destination; check the arguments", "`cp` with a single argument fails; usually a variable for the destination expanded to nothing.", "Give the destination explicitly and quote variables:", 'cp $SRC', 'cp -- "$SRC" "$DEST/"'),
("SC2004", "`$`/`${}` is unnecessary on arithmetic variables", "Inside `$(( ))` names are expanded anyway; `$` makes the expression re-parse the value, which breaks for values like `08` or empty strings.", "Drop the `$`:", 'echo $(( $count + 1 ))', 'echo $(( count + 1 ))'),
("SC2010", "Don't use `ls | grep`; use a glob or a for loop with a condition", "`ls` output is meant for humans; names with spaces, newlines or odd characters break the pipeline.", "Use a glob:", 'for f in $(ls | grep .csv); do import "$f"; done', 'for f in ./*.csv; do import "$f"; done'),
("SC2013", "To read lines rather than words, pipe/redirect to a `while read` loop", "`for line in $(cat file)` splits on every space and expands globs, so lines are broken into words.", "Read lines with `while read`:", 'for host in $(cat hosts.txt); do ping -c1 "$host"; done', 'while IFS= read -r host; do ping -c1 "$host"; done < hosts.txt'),
("SC2016", "Expressions don't expand in single quotes; use double quotes for that", "Inside single quotes `$var` and `$(cmd)` are literal; if that was intended (for `sh -c` or `awk`), the warning can be ignored.", "Use double quotes where you want expansion:", "echo 'Deploying $VERSION'", 'echo "Deploying $VERSION"'),
("SC2044", "For loops over `find` output are fragile; use `find -exec` or a `while read` loop", "Word splitting breaks file names with spaces, and globbing expands `*` in them.", "Let `find` run the command:", 'for f in $(find . -name "*.log"); do gzip "$f"; done', "find . -name '*.log' -exec gzip -- {} +"),
("SC2048", "Use `\"$@\"` (with quotes) to prevent whitespace problems", "Unquoted `$*` or `$@` splits arguments that contain spaces and expands globs in them.", "Quote it:", 'exec app $*', 'exec app "$@"'),
("SC2076", "Remove quotes from the right-hand side of `=~` to match as a regex", "A quoted right-hand side of `=~` is matched literally in bash 3.2+, so the regex never matches as intended.", "Put the regex in a variable, unquoted:", '[[ $v =~ "^v[0-9]+" ]]', 're="^v[0-9]+"; [[ $v =~ $re ]]'),
("SC2103", "Use a `( subshell )` to avoid having to `cd` back", "`cd dir; …; cd ..` returns to the wrong place if `cd dir` fails or the body changes directory.", "Run the block in a subshell:", 'cd build; make; cd ..', '(cd build && make)'),
("SC2116", "Useless echo? Instead of `cmd $(echo foo)`, just use `cmd foo`", "`$(echo …)` adds a process and word-splits and globs the value.", "Use the value directly:", 'tag=$(echo $VERSION)', 'tag=$VERSION'),
("SC2126", "Consider using `grep -c` instead of `grep | wc -l`", "One process instead of two, and the same result.", "Use `grep -c`:", 'n=$(grep ERROR app.log | wc -l)', 'n=$(grep -c ERROR app.log)'),
("SC2128", "Expanding an array without an index only gives the first element", "`$arr` is `${arr[0]}`; the other elements are silently dropped.", "Expand all elements, quoted:", 'for f in $files; do echo "$f"; done', 'for f in "${files[@]}"; do echo "$f"; done'),
("SC2129", "Consider using `{ cmd1; cmd2; } >> file` instead of individual redirects", "Each redirect opens the file again; grouping is shorter and opens it once.", "Group the commands:", 'echo a >> out.txt\necho b >> out.txt', '{ echo a; echo b; } >> out.txt'),
("SC2143", "Use `grep -q` instead of comparing output with `[ -n .. ]`", "`grep -q` stops at the first match and returns a status; capturing output and testing it is slower and fragile.", "Test grep's exit status:", 'if [ -n "$(grep ready status.txt)" ]; then start; fi', 'if grep -q ready status.txt; then start; fi'),
("SC2166", "Prefer `[ p ] && [ q ]` as `[ p -a q ]` is not well defined", "POSIX marks `-a` and `-o` obsolescent; with some values (`!`, `(`, `=`) the test is parsed differently.", "Split the test:", '[ -f "$a" -a -f "$b" ]', '[ -f "$a" ] && [ -f "$b" ]'),
("SC2206", "Quote to prevent word splitting/globbing, or split robustly with `read -a`/`mapfile`", "`arr=( $var )` splits on every space and expands globs in the value.", "Split explicitly:", 'parts=( $CSV )', "IFS=, read -r -a parts <<< \"$CSV\""),
("SC2207", "Prefer `mapfile` or `read -a` to split command output", "`arr=( $(cmd) )` splits on spaces, not lines, and globs the output.", "Use mapfile:", 'files=( $(git ls-files) )', 'mapfile -t files < <(git ls-files)'),
("SC2236", "Use `-z` instead of `! -n`", "Same meaning, simpler to read.", "Use the positive test:", 'if [ ! -n "$TOKEN" ]; then exit 1; fi', 'if [ -z "$TOKEN" ]; then exit 1; fi'),
("SC1090", "ShellCheck can't follow non-constant source; use a directive to specify location", "With a variable in the path, ShellCheck cannot check the sourced file, so variables it defines look unset.", "Tell ShellCheck where the file is (or use a constant path):", '. "$DIR/lib.sh"', '# shellcheck source=lib/lib.sh\n. "$DIR/lib.sh"'),
# hadolint-only: shellcheck has entries in shell.yaml already.
("SC1091", "Not following: sourced file was not specified as input", "hadolint checks each `RUN` line alone, so a file sourced there (for example `/etc/os-release` or an nvm script) is not available to ShellCheck.", "Nothing to fix in the script if the file exists in the image; tell ShellCheck so, or ignore SC1091 in `.hadolint.yaml`:", 'RUN . /opt/venv/bin/activate && pip install -r requirements.txt', '# .hadolint.yaml\nignored:\n  - SC1091'),
("SC2002", "Useless cat", "`cat file | cmd` adds a process; `cmd < file` does the same.", "Redirect instead:", 'RUN cat requirements.txt | xargs pip install', 'RUN xargs pip install < requirements.txt'),
("SC2035", "Use `./*glob*` or `-- *glob*` so names with dashes won't become options", "A file named `-rf` in the directory becomes an option of the command.", "Prefix the glob with `./`:", 'RUN rm *.tmp', 'RUN rm -- ./*.tmp'),
("SC2046", "Quote this to prevent word splitting", "Unquoted `$(…)` splits its output on spaces and expands globs in it.", "Quote the substitution:", 'RUN chown $(id -u app) /data', 'RUN chown "$(id -u app)" /data'),
("SC2086", "Double quote to prevent globbing and word splitting", "An unquoted variable in a `RUN` line splits on spaces and globs; a build argument with a space or `*` changes the command.", "Quote the variable:", 'RUN curl -o /tmp/app.tgz $APP_URL', 'RUN curl -o /tmp/app.tgz "$APP_URL"'),
("SC2154", "Variable is referenced but not assigned", "In a `RUN` line the variable must come from `ARG`/`ENV` or the same line; otherwise it is empty at build time.", "Declare it as a build argument (or set it in the same `RUN`):", 'RUN pip install "app==$APP_VERSION"', 'ARG APP_VERSION=1.4.2\nRUN pip install "app==$APP_VERSION"'),
("SC2155", "Declare and assign separately to avoid masking return values", "`export VAR=$(cmd)` returns the status of `export`, so a failing `cmd` does not fail the build step.", "Assign first, then export:", 'RUN export SHA=$(git rev-parse HEAD) && make', 'RUN SHA=$(git rev-parse HEAD) && export SHA && make'),
("SC2164", "Use `cd ... || exit` in case cd fails", "If `cd` fails the following commands run in the wrong directory. In a Dockerfile, prefer `WORKDIR`.", "Use `WORKDIR`, or stop on failure:", 'RUN cd /src; make install', 'WORKDIR /src\nRUN make install'),
]
EXC = "**Need an exception?** Add a time-boxed `ignore:` rule to `.runbook-translator.yaml` at the repository root, saying why and who approved it (a `# shellcheck disable={code}` comment on the line above also works for ShellCheck, without an expiry):\n\n{{{{ignoreexample .}}}}"
JA = {
"SC1000": ("`$` は特別な意味を持たないので、エスケープしてください", "変数名を始められない文字の前にある単独の `$` はそのまま出力されます。たいていは変数名か波括弧が抜けています。", "ドル記号そのものを書きたいならエスケープし、そうでなければ展開を完成させてください。"),
"SC1001": ("この `\\o` はこの文脈では普通の `o` になります", "クォートの外では、普通の英字の前のバックスラッシュは取り除かれるため、`\\n` はただの `n` です。書いた人はエスケープシーケンスや Windows のパスを期待していることがほとんどです。", "文字列をクォートし、エスケープシーケンスには printf を使ってください。"),
"SC1007": ("値を代入するつもりなら `=` の後の空白を削除してください", "`var= value` は、コマンド `value` の実行中だけ `var` に空文字列を代入します。意図したものであることはまれです。", "空白を削除してください(空の値にするなら `var=''` を使います)。"),
"SC1010": ("`done` / `fi` の前にセミコロンか改行を入れてください(文字どおりの意味ならクォートしてください)", "区切りがないと、`done` や `fi` は直前のコマンドの引数の 1 つになり、ループや `if` がいつまでも閉じません。", "`;` か改行を入れてください。"),
"SC1018": ("Unicode のノーブレークスペースです。削除して通常の空白で打ち直してください", "ノーブレークスペース(Web ページやチャットからの貼り付けでよく入ります)はシェルにとって単語の区切りではないため、2 つの単語が 1 つになります。", "空白を打ち直してください。`grep -nP '\\xA0' script.sh` で見つけられます。"),
"SC1035": ("ここに必要な空白がありません", "`[`、`]`、`!` やキーワードの前後には空白が必要です。`[ -f x]` や `if[` は別のコマンドとして解釈されます。", "空白を入れてください。"),
"SC1045": ("`foo &; bar` ではなく、単に `foo & bar` です", "`&` がすでにコマンドを終端しているので、`&;` は構文エラーです。", "`;` を削除してください。"),
"SC1065": ("パラメーターを宣言しようとしていますか? () を使い、引数は `$1`、`$2` で参照してください", "シェルの関数は引数リストを取らないため、`f(a, b)` は構文エラーです。", "`f()` と宣言し、関数の中で引数を読んでください。"),
"SC1066": ("代入の左辺に `$` を付けないでください", "`$var=value` は `var` を展開し、その結果をコマンドとして実行してしまい、代入になりません。", "`$` を取ってください。"),
"SC1068": ("代入の `=` の前後に空白を入れないでください", "`var = value` は、`var` という名前のコマンドを引数 `=` と `value` で実行します。", "空白を削除してください。"),
"SC1077": ("コマンド置換のバッククォートは左に傾いたものを使ってください", "右に傾いたクォート(´ や ’)はバッククォートではないため、コマンド置換は起こらず、文字がそのまま残ります。", "`$(...)` を使ってください。"),
"SC1078": ("このダブルクォートの文字列を閉じ忘れていませんか?", "閉じていないクォートはスクリプトの残りを 1 つの文字列として飲み込み、エラーは原因から遠く離れた場所に出ます。", "文字列の終わりでクォートを閉じてください。"),
"SC1079": ("これは実際には閉じクォートですが、次の文字のせいで怪しく見えます", "クォートの直後に英字が続く場合、その行のもっと前でクォートの対応がずれていることがよくあります。", "行全体のクォートを確認し、入れ子のクォートは明示的に書いてください。"),
"SC1081": ("スクリプトは大文字と小文字を区別します。`If` ではなく `if` を使ってください", "キーワードは小文字です。`If` や `Then` はコマンドとして探され、ブロックは構文エラーになります。", "キーワードを小文字で書いてください。"),
"SC1083": ("この `{` / `}` は文字どおりに扱われます。式を確認する(`;` や改行の抜け?)か、クォートしてください", "グループでも展開でもない波括弧は文字としてそのまま渡されます。多くは `}` の前の `;` が抜けています。", "区切りを入れるか、文字としての波括弧はクォートしてください。"),
"SC1086": ("for ループの変数名に `$` を付けないでください", "`for $i in …` はループ変数の名前ではなく、`i` の値を展開してしまいます。", "変数名は `$` なしで書いてください。"),
"SC1087": ("配列を展開するときは `${array[idx]}` のように波括弧を使ってください", "`$array[1]` は `$array`(最初の要素)を展開し、その後ろに文字列 `[1]` を付けたものになります。", "波括弧を使ってください。"),
"SC1095": ("関数名と本体の間に空白か改行が必要です", "`f(){…}` は一部のシェルでは通りますが、すべてではありません。POSIX では本体の前に空白か改行が必要です。", "空白を入れてください。"),
"SC1097": ("予期しない `==` です。代入には `=` を、比較には `[` / `[[` を使ってください", "`var==value` は文字列 `=value` を代入します。比較はテストの中でしか行われません。", "代入は `=` で、比較は `[ ]` の中で行ってください。"),
"SC1098": ("eval を使うときは特殊文字をクォートまたはエスケープしてください", "`eval` は引数をもう一度解釈するため、クォートされていない括弧や `;` が 2 回解釈されます。", "`eval` に渡す文字列をクォートしてください(できれば `eval` 自体を避けます)。"),
"SC1099": ("`#` の前に空白が必要です", "空白がないと `#` は単語の一部でありコメントではないため、「コメント」のつもりの部分が引数として渡されます。", "空白を入れてください。"),
"SC2015": ("`A && B || C` は if-then-else ではありません。A が真でも C が実行されることがあります", "B が失敗すると、A が成功していても C が実行されるため、失敗したステップが「else」側を動かしてしまいます。", "`if` を使ってください。"),
"SC2026": ("この単語はクォートの外にあります。シングルクォートを入れ子にするつもりでしたか?", "`'a'b'c'` は 3 つの部分に分かれ、真ん中はクォートされていないため単語分割とグロブの対象になります。", "文字列全体をクォートするか、外側をダブルクォートにしてください。"),
"SC2028": ("`echo` はエスケープシーケンスを展開しないことがあります。`printf` を使ってください", "`echo` が `\\n` を改行にするかどうかはシェルとオプション次第(dash はする、bash はしない)なので、`sh` と `bash` で出力が変わります。", "printf を使ってください。"),
"SC2039": ("POSIX sh ではこの機能は未定義です", "スクリプトは(Dockerfile の `RUN` 行と同じく)`/bin/sh` で実行されるのに、bash の機能(配列、`[[ ]]`、`function`、`[` の中の `==` など)を使っています。dash や busybox では失敗します。新しい ShellCheck ではこれは SC3xxx のコードとして報告されます。", "POSIX の書き方を使うか、スクリプトを bash で実行してください(Dockerfile なら `SHELL [\"/bin/bash\", \"-c\"]`)。"),
"SC2140": ("単語が `\"A\"B\"C\"` の形になっています。`\"ABC\"` または `\"A\\\"B\\\"C\"` のつもりでしたか?", "内側のクォートで文字列がいったん終わって再開するため、B はクォートされていません。たいていは文字としてのクォートを入れたかったケースです。", "内側のクォートをエスケープするか、文字列を 1 つにまとめてください。"),
"SC2225": ("この `cp` にはコピー先がありません。引数を確認してください", "引数が 1 つの `cp` は失敗します。多くの場合、コピー先の変数が空に展開されています。", "コピー先を明示し、変数はクォートしてください。"),
"SC2004": ("算術式の変数に `$` / `${}` は不要です", "`$(( ))` の中では名前はどのみち展開されます。`$` を付けると値が式としてもう一度解釈され、`08` や空文字列のような値で壊れます。", "`$` を取ってください。"),
"SC2010": ("`ls | grep` は使わず、グロブか条件付きの for ループを使ってください", "`ls` の出力は人が読むためのもので、空白や改行、変わった文字を含むファイル名でパイプラインが壊れます。", "グロブを使ってください。"),
"SC2013": ("単語ではなく行を読むには、`while read` ループにパイプまたはリダイレクトしてください", "`for line in $(cat file)` はすべての空白で分割し、グロブも展開するため、行が単語に分かれてしまいます。", "`while read` で行を読んでください。"),
"SC2016": ("シングルクォートの中では式は展開されません。展開するならダブルクォートを使ってください", "シングルクォートの中の `$var` や `$(cmd)` は文字どおりに扱われます。それが意図どおり(`sh -c` や `awk` に渡す場合)なら、この警告は無視して構いません。", "展開したい箇所ではダブルクォートを使ってください。"),
"SC2044": ("`find` の出力に対する for ループは壊れやすいです。`find -exec` か `while read` ループを使ってください", "単語分割で空白を含むファイル名が壊れ、名前の中の `*` もグロブとして展開されます。", "コマンドの実行は `find` に任せてください。"),
"SC2048": ("空白の問題を防ぐため、`\"$@\"`(クォート付き)を使ってください", "クォートしない `$*` や `$@` は、空白を含む引数を分割し、その中のグロブも展開します。", "クォートしてください。"),
"SC2076": ("`=~` の右辺は、正規表現として照合するならクォートを外してください", "bash 3.2 以降では、クォートした `=~` の右辺は文字どおりに照合されるため、正規表現として意図どおりにマッチしません。", "正規表現を変数に入れ、クォートせずに使ってください。"),
"SC2103": ("`cd` で戻らずに済むよう、`( subshell )` を使ってください", "`cd dir; …; cd ..` は、`cd dir` が失敗したり本体がディレクトリを変えたりすると、間違った場所に戻ります。", "ブロックをサブシェルで実行してください。"),
"SC2116": ("無駄な echo では? `cmd $(echo foo)` ではなく、単に `cmd foo` と書けます", "`$(echo …)` はプロセスを 1 つ増やし、値を単語分割・グロブ展開します。", "値を直接使ってください。"),
"SC2126": ("`grep | wc -l` ではなく `grep -c` を検討してください", "プロセスが 2 つから 1 つになり、結果は同じです。", "`grep -c` を使ってください。"),
"SC2128": ("添字なしで配列を展開すると最初の要素しか得られません", "`$arr` は `${arr[0]}` のことで、他の要素は黙って捨てられます。", "すべての要素をクォート付きで展開してください。"),
"SC2129": ("個別のリダイレクトではなく `{ cmd1; cmd2; } >> file` を検討してください", "リダイレクトのたびにファイルを開き直します。グループにすれば短く書け、ファイルを開くのも 1 回で済みます。", "コマンドをグループにしてください。"),
"SC2143": ("出力を `[ -n .. ]` で比べるのではなく `grep -q` を使ってください", "`grep -q` は最初の一致で止まり終了ステータスを返します。出力を取り込んでテストするのは遅く、壊れやすい方法です。", "grep の終了ステータスをテストしてください。"),
"SC2166": ("`[ p -a q ]` は定義が曖昧なので、`[ p ] && [ q ]` を使ってください", "POSIX は `-a` と `-o` を廃止予定としており、値によっては(`!`、`(`、`=`)テストが別の意味に解釈されます。", "テストを分けてください。"),
"SC2206": ("単語分割・グロブを防ぐためクォートするか、`read -a` / `mapfile` で確実に分割してください", "`arr=( $var )` はすべての空白で分割し、値の中のグロブも展開します。", "明示的に分割してください。"),
"SC2207": ("コマンドの出力を分割するには `mapfile` か `read -a` を使ってください", "`arr=( $(cmd) )` は行ではなく空白で分割し、出力をグロブ展開します。", "mapfile を使ってください。"),
"SC2236": ("`! -n` ではなく `-z` を使ってください", "意味は同じで、読みやすくなります。", "肯定形のテストを使ってください。"),
"SC1090": ("ShellCheck は定数でない source を追えません。ディレクティブで場所を指定してください", "パスに変数があると ShellCheck は読み込むファイルを検査できず、そのファイルで定義される変数が未設定に見えます。", "ファイルの場所を ShellCheck に教えてください(または定数のパスを使います)。"),
"SC1091": ("追跡していません: 読み込むファイルが入力として指定されていません", "hadolint は `RUN` 行を 1 行ずつ検査するため、そこで読み込むファイル(たとえば `/etc/os-release` や nvm のスクリプト)を ShellCheck は参照できません。", "ファイルがイメージ内に存在するならスクリプトに直すところはありません。ShellCheck にそう伝えるか、`.hadolint.yaml` で SC1091 を無視してください。"),
"SC2002": ("無駄な cat", "`cat file | cmd` はプロセスを 1 つ増やすだけで、`cmd < file` と同じです。", "リダイレクトを使ってください。"),
"SC2035": ("ダッシュで始まる名前がオプションにならないよう、`./*glob*` か `-- *glob*` を使ってください", "ディレクトリに `-rf` という名前のファイルがあると、それがコマンドのオプションになります。", "グロブの前に `./` を付けてください。"),
"SC2046": ("単語分割を防ぐためにクォートしてください", "クォートしない `$(…)` は出力を空白で分割し、その中のグロブも展開します。", "コマンド置換をクォートしてください。"),
"SC2086": ("グロブと単語分割を防ぐためにダブルクォートしてください", "`RUN` 行でクォートしない変数は空白で分割されグロブ展開されるため、空白や `*` を含むビルド引数でコマンドが変わってしまいます。", "変数をクォートしてください。"),
"SC2154": ("変数は参照されていますが代入されていません", "`RUN` 行の変数は `ARG` / `ENV` か同じ行で設定されていなければならず、そうでなければビルド時には空です。", "ビルド引数として宣言してください(または同じ `RUN` の中で設定します)。"),
"SC2155": ("戻り値が隠れないよう、宣言と代入は分けてください", "`export VAR=$(cmd)` は `export` の終了ステータスを返すため、`cmd` が失敗してもビルドステップは失敗しません。", "先に代入し、その後で export してください。"),
"SC2164": ("cd が失敗した場合に備えて `cd ... || exit` を使ってください", "`cd` が失敗すると、続くコマンドが間違ったディレクトリで実行されます。Dockerfile では `WORKDIR` を使うほうが適切です。", "`WORKDIR` を使うか、失敗したら止まるようにしてください。"),
}
EXC_JA = "**例外が必要な場合** 期限付きの `ignore:` ルールをリポジトリ直下の `.runbook-translator.yaml` に追加し、理由と承認者を明記してください(ShellCheck では、対象行の直前に `# shellcheck disable={code}` コメントを書く方法もありますが、期限は付けられません)。\n\n{{{{ignoreexample .}}}}"
out = []
for (code, title, why, fixp, before, after) in E:
    hado_only = code in COVERED_SHELLCHECK
    match = [] if hado_only else [{"tool": "shellcheck", "codes": [code]}]
    match.append({"tool": "hadolint", "codes": [code]})
    ctx = "hadolint ran ShellCheck on a Dockerfile `RUN` instruction and it reports" if hado_only else "ShellCheck (directly, or through hadolint on a Dockerfile `RUN` instruction) reports"
    body = (f"**What is wrong.** {ctx} {code}: {title}.\n\n**Why it matters.** {why}\n\n**How to fix it.** {fixp}\n\n"
            f"```sh\n# before\n{before}\n# after\n{after}\n```\n\n" + EXC.format(code=code) + "\n")
    jt, jy, jf = JA[code]
    jctx = "hadolint が Dockerfile の `RUN` 命令に対して ShellCheck を実行し、次を報告しています:" if hado_only else "ShellCheck(直接、または hadolint が Dockerfile の `RUN` 命令に対して実行したもの)が次を報告しています:"
    jbody = (f"**何が問題か** {jctx} {code}: {jt}。\n\n**なぜ問題か** {jy}\n\n**修正方法** {jf}\n\n"
             f"```sh\n# before\n{before}\n# after\n{after}\n```\n\n" + EXC_JA.format(code=code) + "\n")
    last = [l for l in after.splitlines() if l.strip()][-1]
    exs = [{"finding": {"tool": "hadolint", "code": code, "message": title.replace("`", ""), "path": "Dockerfile", "line": 7}, "contains": [last, "ignore:"]}]
    if not hado_only:
        exs.insert(0, {"finding": {"tool": "shellcheck", "code": code, "message": title.replace("`", ""), "path": "scripts/deploy.sh", "line": 12}, "contains": [last, "expires:"]})
    out.append({"id": "shellcheck-" + code.lower(), "title": f"{code}: " + title.replace("`", ""), "match": match,
                "links": [f"https://www.shellcheck.net/wiki/{code}"] + (["https://github.com/hadolint/hadolint#rules"] ), "body": body,
                "translations": {"ja": {"title": f"{code}: " + jt.replace("`", ""), "body": jbody}}, "examples": exs})
class Block(str): pass
yaml.SafeDumper.add_representer(Block, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style="|"))
for e in out:
    e["body"] = Block(e["body"])
    e["translations"]["ja"]["body"] = Block(e["translations"]["ja"]["body"])
sys.stdout.write("# Built-in runbooks: ShellCheck codes the other files do not cover, for shellcheck and\n# for hadolint (which runs ShellCheck on RUN instructions) (issue 14).\n")
yaml.safe_dump({"entries": out}, sys.stdout, sort_keys=False, allow_unicode=True, width=100000)
