using System.Security.Cryptography;
using System.Text;

namespace Lem.Engine.Results.Validity;

/// <summary>
/// A fingerprint of a workload: SHA-256 over the prompts in order (each prompt's text and its token count), shortened
/// to 16 hex digits. Runs meant to measure the same workload — the members of a sweep over batch size, precision or
/// backend — must carry the same one; a different prompt file, sample or tokenizer shows as a different fingerprint.
/// </summary>
public static class WorkloadFingerprint
{
    public static string Of(IEnumerable<(string Text, int Tokens)> prompts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (text, tokens) in prompts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData([0]);
            hash.AppendData(BitConverter.GetBytes(tokens));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
