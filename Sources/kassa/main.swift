print("kassa")
