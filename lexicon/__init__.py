"""Words as data, one tokenizer, one number reader: the bottom layer under retrieval/ and extraction/."""
