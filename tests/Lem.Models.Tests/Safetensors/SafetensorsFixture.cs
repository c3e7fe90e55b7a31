using System.Text;

namespace Lem.Models.Tests.Safetensors;

/// <summary>
/// A small safetensors file built by hand from the format: weight F32 [2,2] = 1..4, bias BF16 [2] = (1, -2),
/// ids I64 [3] = (1, 2, -3), metadata {"format": "pt"}. Python orders tensors by dtype rank descending (I64 > F32 > BF16),
/// then name. scripts/device/safetensors_fixture.py writes the same tensors with Python safetensors and compares with <see cref="Hex"/>.
/// </summary>
internal static class SafetensorsFixture
{
    public const string HeaderJson =
        "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"ids\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]},"
        + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[24,40]},"
        + "\"bias\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[40,44]}}";

    public const string DataHex =
        "01000000000000000200000000000000fdffffffffffffff"   // ids: 1, 2, -3 (int64 LE)
        + "0000803f000000400000404000008040"                  // weight: 1f, 2f, 3f, 4f
        + "803f00c0";                                         // bias: bf16 1.0 = 0x3f80, -2.0 = 0xc000

    public const string Hex =
        "d8000000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074227d2c22696473223a7b22647479"
        + "7065223a22493634222c227368617065223a5b335d2c22646174615f6f666673657473223a5b302c32345d7d2c227765696768"
        + "74223a7b226474797065223a22463332222c227368617065223a5b322c325d2c22646174615f6f666673657473223a5b32342c"
        + "34305d7d2c2262696173223a7b226474797065223a2242463136222c227368617065223a5b325d2c22646174615f6f66667365"
        + "7473223a5b34302c34345d7d7d2020202020202001000000000000000200000000000000fdffffffffffffff0000803f000000"
        + "400000404000008040803f00c0";

    /// <summary>The expected file assembled from its parts: 8-byte LE header length, header padded with spaces to 8, data.</summary>
    public static byte[] Assemble()
    {
        byte[] json = Encoding.ASCII.GetBytes(HeaderJson);
        int padded = (json.Length + 7) / 8 * 8;
        var file = new List<byte>();
        file.AddRange(BitConverter.GetBytes((ulong)padded));
        file.AddRange(json);
        file.AddRange(Enumerable.Repeat((byte)' ', padded - json.Length));
        file.AddRange(Convert.FromHexString(DataHex));
        return file.ToArray();
    }
}
