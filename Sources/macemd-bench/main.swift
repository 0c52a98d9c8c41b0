print("macemd-bench")
