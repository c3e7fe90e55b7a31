using Lem.Engine.Workload;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Tests.Workload;

public sealed class FilePromptSourceTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly WordTokenizer _tokenizer = new();

    public void Dispose() => _folder.Dispose();

    private PromptSet Load(string path, PromptFileFormat format, string? column = null, int? sample = null, bool shuffle = false, long seed = 0) =>
        new FilePromptSource(new FilePromptOptions(path, format, column, sample, shuffle, seed)).Load(_tokenizer);

    private string[] Texts(string path, PromptFileFormat format, string? column = null) => Load(path, format, column).Prompts.Select(p => p.Text).ToArray();

    [Fact]
    public void Jsonl_takes_the_text_column_and_skips_blank_lines()
    {
        var path = _folder.Write("p.jsonl", "{\"text\": \"one two\"}\n\n{\"text\": \"three\", \"other\": 1}\n");
        var set = Load(path, PromptFileFormat.Jsonl);

        Assert.Equal(["one two", "three"], set.Prompts.Select(p => p.Text));
        Assert.Equal([2, 1], set.Prompts.Select(p => p.TokenCount));
        Assert.Equal([0, 1], set.Prompts.Select(p => p.Index));
    }

    private sealed class NoTokenizer : Lem.Engine.Inference.ITextTokenizer
    {
        public int[] Encode(string text) => throw new InvalidOperationException("no tokenizer");
        public string Decode(IReadOnlyList<int> tokenIds) => throw new InvalidOperationException("no tokenizer");
        public int VocabSize => throw new InvalidOperationException("no tokenizer");
        public bool CanEncode => false;
    }

    [Fact]
    public void Without_a_tokenizer_prompts_are_text_with_no_token_ids()
    {
        var path = _folder.Write("p.jsonl", "{\"text\": \"one two\"}\n{\"text\": \"three\"}\n");
        var set = new FilePromptSource(new FilePromptOptions(path, PromptFileFormat.Jsonl, null, null, false, 0)).Load(new NoTokenizer());

        Assert.Equal(["one two", "three"], set.Prompts.Select(p => p.Text));
        Assert.All(set.Prompts, p => Assert.Empty(p.TokenIds)); // never counted from text: the server's usage counts them
    }

    [Fact]
    public void A_chosen_column_is_used()
    {
        var path = _folder.Write("p.jsonl", "{\"prompt\": \"a b c\"}\n");
        Assert.Equal(["a b c"], Texts(path, PromptFileFormat.Jsonl, "prompt"));
    }

    [Fact]
    public void Json_array_records()
    {
        var path = _folder.Write("p.json", "[\n  {\"text\": \"x\"},\n  {\"text\": \"y z\"}\n]");
        Assert.Equal(["x", "y z"], Texts(path, PromptFileFormat.Json));
    }

    [Fact]
    public void Csv_with_quoted_commas_doubled_quotes_and_line_breaks()
    {
        var path = _folder.Write("p.csv", "id,text\r\n1,plain words\r\n2,\"with, comma and \"\"quote\"\"\"\r\n3,\"two\nlines\"\r\n");
        Assert.Equal(["plain words", "with, comma and \"quote\"", "two\nlines"], Texts(path, PromptFileFormat.Csv));
    }

    [Fact]
    public void Alpaca_joins_instruction_and_input_with_a_blank_line()
    {
        var path = _folder.Write("alpaca.json",
            "[{\"instruction\": \"Summarise\", \"input\": \"the text\", \"output\": \"x\"},\n {\"instruction\": \"Say hi\", \"input\": \"\", \"output\": \"hi\"}]");
        Assert.Equal(["Summarise\n\nthe text", "Say hi"], Texts(path, PromptFileFormat.Alpaca));
    }

    [Fact]
    public void Alpaca_from_csv()
    {
        var path = _folder.Write("alpaca.csv", "instruction,input,output\nTranslate,bonjour,hello\n");
        Assert.Equal(["Translate\n\nbonjour"], Texts(path, PromptFileFormat.Alpaca));
    }

    [Fact]
    public void Gsm8k_takes_the_question_from_json_lines()
    {
        var path = _folder.Write("gsm8k.jsonl", "{\"question\": \"What is 2 + 2?\", \"answer\": \"4\"}\n{\"question\": \"And 3 + 3?\", \"answer\": \"6\"}\n");
        Assert.Equal(["What is 2 + 2?", "And 3 + 3?"], Texts(path, PromptFileFormat.Gsm8k));
    }

    [Fact]
    public void ShareGpt_takes_the_first_human_turn_and_skips_conversations_without_one()
    {
        var path = _folder.Write("sharegpt.json", """
            [
              {"id": "a", "conversations": [{"from": "system", "value": "be kind"}, {"from": "human", "value": "first question"}, {"from": "gpt", "value": "answer"}, {"from": "human", "value": "second question"}]},
              {"id": "b", "conversations": []},
              {"id": "c", "conversations": [{"from": "gpt", "value": "only the model"}]},
              {"id": "d", "conversations": [{"from": "human", "value": "another"}]}
            ]
            """);
        var set = Load(path, PromptFileFormat.ShareGpt);

        Assert.Equal(["first question", "another"], set.Prompts.Select(p => p.Text));
        Assert.Contains(set.Warnings, w => w.Contains("2 records"));
    }

    [Fact]
    public void Text_takes_every_non_blank_line()
    {
        var path = _folder.Write("p.txt", "first line\n\n   \nsecond line  \n");
        Assert.Equal(["first line", "second line"], Texts(path, PromptFileFormat.Text));
    }

    [Fact]
    public void Sample_keeps_the_first_prompts_and_shuffle_is_seeded()
    {
        var path = _folder.Write("p.txt", string.Join('\n', Enumerable.Range(0, 50).Select(i => $"prompt{i}")));

        Assert.Equal(["prompt0", "prompt1", "prompt2"], Load(path, PromptFileFormat.Text, sample: 3).Prompts.Select(p => p.Text));

        var a = Load(path, PromptFileFormat.Text, sample: 10, shuffle: true, seed: 4).Prompts.Select(p => p.Text).ToArray();
        var b = Load(path, PromptFileFormat.Text, sample: 10, shuffle: true, seed: 4).Prompts.Select(p => p.Text).ToArray();
        var c = Load(path, PromptFileFormat.Text, sample: 10, shuffle: true, seed: 5).Prompts.Select(p => p.Text).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(10, a.Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => $"prompt{i}"), a);
    }

    [Fact]
    public void A_sample_larger_than_the_file_is_an_error()
    {
        var path = _folder.Write("p.txt", "a\nb\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Text, sample: 3));
        Assert.Contains("only 2 prompts", e.Message);
    }

    [Fact]
    public void Malformed_jsonl_names_the_file_line_and_column()
    {
        var path = _folder.Write("bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"ok\"}\n{\"text\": \"broken}\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Jsonl));
        Assert.StartsWith(path + ":3:", e.Message);
        Assert.Contains("one complete JSON object per line", e.Message);
    }

    [Fact]
    public void Malformed_json_array_names_the_line()
    {
        var path = _folder.Write("bad.json", "[\n {\"text\": \"a\"},\n {\"text\": \"b\",,}\n]");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Json));
        Assert.StartsWith(path + ":3:", e.Message);
    }

    [Fact]
    public void A_missing_field_names_the_line_and_the_fields_there_are()
    {
        var path = _folder.Write("p.json", "[\n {\"text\": \"a\"},\n\n {\"prompt\": \"b\"}\n]");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Json));
        Assert.StartsWith(path + ":4:", e.Message);
        Assert.Contains("no field \"text\"", e.Message);
        Assert.Contains("prompt", e.Message);
        Assert.Contains("column =", e.Message);
    }

    [Fact]
    public void A_non_string_prompt_is_an_error()
    {
        var path = _folder.Write("p.jsonl", "{\"text\": 42}\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Jsonl));
        Assert.StartsWith(path + ":1:", e.Message);
        Assert.Contains("number", e.Message);
    }

    [Fact]
    public void Csv_row_with_too_many_fields_names_line_and_column()
    {
        var path = _folder.Write("bad.csv", "id,text\n1,fine\n2,not,fine\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Csv));
        Assert.StartsWith(path + ":3:7:", e.Message);
        Assert.Contains("3 fields but the header has 2", e.Message);
    }

    [Fact]
    public void Csv_row_with_too_few_fields_names_line_and_column()
    {
        var path = _folder.Write("bad.csv", "id,text,extra\n1,fine,x\n2,short\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Csv));
        Assert.StartsWith(path + ":3:8:", e.Message);
    }

    [Fact]
    public void Csv_unterminated_quote_names_where_it_opened()
    {
        var path = _folder.Write("bad.csv", "id,text\n1,ok\n2,\"never closed\n3,x\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Csv));
        Assert.StartsWith(path + ":3:3:", e.Message);
        Assert.Contains("never closed", e.Message);
    }

    [Fact]
    public void Csv_stray_quote_names_line_and_column()
    {
        var path = _folder.Write("bad.csv", "id,text\n1,say \"hi\"\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Csv));
        Assert.StartsWith(path + ":2:7:", e.Message);
    }

    [Fact]
    public void Json_format_on_a_json_lines_file_says_to_use_jsonl()
    {
        var path = _folder.Write("p.json", "{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Json));
        Assert.Contains("format = jsonl", e.Message);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var path = Path.Combine(_folder.Path, "nope.jsonl");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Jsonl));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void An_empty_prompt_is_an_error()
    {
        var path = _folder.Write("p.jsonl", "{\"text\": \"a\"}\n{\"text\": \"  \"}\n");
        var e = Assert.Throws<WorkloadException>(() => Load(path, PromptFileFormat.Jsonl));
        Assert.StartsWith(path + ":2:", e.Message);
    }
}
