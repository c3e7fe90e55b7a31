using Lem.Models.Safetensors;
using Lem.Engine.Inference;

namespace Lem.Models.Tests.Safetensors;

public sealed class SafetensorsFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lem-st-").FullName;

    private static IEnumerable<SafetensorsTensor> FixtureTensors() =>
    [
        SafetensorsTensor.FromBytes("weight", "F32", [2, 2], Convert.FromHexString("0000803f000000400000404000008040")),
        SafetensorsTensor.FromBytes("bias", "BF16", [2], Convert.FromHexString("803f00c0")),
        SafetensorsTensor.FromBytes("ids", "I64", [3], Convert.FromHexString("01000000000000000200000000000000fdffffffffffffff")),
    ];

    [Fact]
    public void Hand_built_fixture_matches_its_hex()
    {
        Assert.Equal(SafetensorsFixture.Hex, Convert.ToHexStringLower(SafetensorsFixture.Assemble()));
    }

    [Fact]
    public void Writer_reproduces_the_fixture_byte_for_byte()
    {
        string path = Path.Combine(_dir, "f.safetensors");
        SafetensorsWriter.Write(path, FixtureTensors(), new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(SafetensorsFixture.Hex, Convert.ToHexStringLower(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Reader_reads_the_fixture()
    {
        string path = Path.Combine(_dir, "f.safetensors");
        File.WriteAllBytes(path, Convert.FromHexString(SafetensorsFixture.Hex));
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(["ids", "weight", "bias"], file.Entries.Select(e => e.Name));
        Assert.Equal("pt", file.Metadata!["format"]);
        Assert.Equal(216 + 8, file.DataStart);
        var weight = file.Entry("weight");
        Assert.Equal(("F32", "2,2", 24L, 40L), (weight.DType, string.Join(",", weight.Shape), weight.Begin, weight.End));
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, BytesTo<float>(file.ReadBytes("weight")));
        Assert.Equal(new[] { 1L, 2L, -3L }, BytesTo<long>(file.ReadBytes("ids")));
        Assert.Equal(Convert.FromHexString("803f00c0"), file.ReadBytes("bias"));
    }

    [Fact]
    public void Without_metadata_there_is_no_metadata_key_and_padding_still_aligns()
    {
        string path = Path.Combine(_dir, "n.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromBytes("attn0", "F32", [1, 1, 2, 3], new byte[24])]);
        byte[] bytes = File.ReadAllBytes(path);
        // Python safetensors' own test vector for this tensor has a 72-byte header (7 spaces of padding).
        Assert.Equal(72UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ",
            System.Text.Encoding.ASCII.GetString(bytes, 8, 72));
    }

    [Fact]
    public void Tensors_are_ordered_by_dtype_rank_then_name()
    {
        string path = Path.Combine(_dir, "o.safetensors");
        string[] dtypes = ["BOOL", "U8", "I8", "I16", "F16", "BF16", "I32", "F32", "F64", "I64"];
        var tensors = dtypes.SelectMany(d => new[] { "b", "a" }.Select(n => SafetensorsTensor.FromBytes(n + "_" + d, d, [1], new byte[SafetensorsDType.Size(d)])));
        SafetensorsWriter.Write(path, tensors);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(
            ["a_I64", "b_I64", "a_F64", "b_F64", "a_F32", "b_F32", "a_I32", "b_I32", "a_BF16", "b_BF16", "a_F16", "b_F16", "a_I16", "b_I16", "a_I8", "b_I8", "a_U8", "b_U8", "a_BOOL", "b_BOOL"],
            file.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Names_are_escaped_as_serde_json_does()
    {
        string path = Path.Combine(_dir, "e.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTensor.FromBytes("q\"\\\u0001é", "U8", [1], [7])]);
        byte[] bytes = File.ReadAllBytes(path);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
        Assert.StartsWith("{\"q\\\"\\\\\\u0001é\":", header);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([7], file.ReadBytes("q\"\\\u0001é"));
    }

    [Fact]
    public void A_writer_callback_with_the_wrong_byte_count_is_caught()
    {
        string path = Path.Combine(_dir, "w.safetensors");
        var e = Assert.Throws<InvalidOperationException>(() =>
            SafetensorsWriter.Write(path, [new SafetensorsTensor("x", "F32", [2], s => s.Write(new byte[4]))]));
        Assert.Contains("'x' wrote 4 bytes, expected 8", e.Message);
    }

    private string Malformed(byte[] bytes)
    {
        string path = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(path, bytes);
        return Assert.Throws<InferenceException>(() => SafetensorsFile.Open(path).Dispose()).Message;
    }

    private static byte[] WithHeader(string json, int dataBytes)
    {
        var header = System.Text.Encoding.UTF8.GetBytes(json);
        return [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[dataBytes]];
    }

    [Fact]
    public void Header_length_larger_than_the_file_is_a_clear_error()
    {
        byte[] bytes = Convert.FromHexString(SafetensorsFixture.Hex);
        BitConverter.GetBytes(10_000UL).CopyTo(bytes, 0);
        string message = Malformed(bytes);
        Assert.Contains("bad.safetensors: header length 10000 is larger than the rest of the file", message);
        Assert.Contains("Remedy:", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Header_length_above_100_MB_is_refused()
    {
        Assert.Contains("larger than the 100 MB limit", Malformed(BitConverter.GetBytes(200_000_000UL)));
    }

    [Fact]
    public void Too_short_file_is_a_clear_error() =>
        Assert.Contains("too short for a safetensors file", Malformed([1, 2, 3]));

    [Fact]
    public void Bad_json_is_a_clear_error() =>
        Assert.Contains("the safetensors header is not valid JSON", Malformed(WithHeader("{\"a\":{\"dtype\":", 0)));

    [Fact]
    public void Offsets_beyond_the_data_are_a_clear_error() =>
        Assert.Contains("tensor 'a' has data_offsets [0, 16] outside the data section of 8 bytes",
            Malformed(WithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8)));

    [Fact]
    public void Offsets_disagreeing_with_the_shape_are_a_clear_error() =>
        Assert.Contains("tensor 'a' has data_offsets covering 8 bytes but F32 [4] needs 16",
            Malformed(WithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8)));

    [Fact]
    public void Unknown_dtype_is_a_clear_error() =>
        Assert.Contains("tensor 'a' has unknown dtype 'Q4'",
            Malformed(WithHeader("{\"a\":{\"dtype\":\"Q4\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8)));

    [Fact]
    public void Missing_fields_are_a_clear_error() =>
        Assert.Contains("tensor 'a' needs dtype, shape and data_offsets",
            Malformed(WithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", 16)));

    private static T[] BytesTo<T>(byte[] bytes) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
