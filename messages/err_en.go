package messages

// The words of Of and Join (err.go).
func errEn() map[Key]string {
	return map[Key]string{
		// A file that is not there: the operation and the path of an
		// fs.PathError, whose text this is byte for byte.
		"err.not_exist": "%s %s: no such file or directory",
		"list.join":     "%s; %s",
		// A text outside the table, as it is, in a list.
		"err.text": "%s",
	}
}

func init() { fills = append(fills, func() { add(en, errEn()) }) }
