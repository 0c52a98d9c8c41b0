/// macemd command-line tool (under construction).
print("macemd: under construction")
