#!/bin/sh
# Grüße: non-ASCII before the word, so characters and bytes differ.
näme="Jürgen Müller"
echo Grüße $näme $1
	cp $1 "$HOME/ünïcødé/" && echo 🚀 $2
for f in $(ls *.txt); do echo $f; done
[ $# == 1 ] && echo `date`
