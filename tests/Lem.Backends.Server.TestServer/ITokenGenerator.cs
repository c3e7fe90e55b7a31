namespace Lem.Backends.Server.TestServer;

/// <summary>What produces the tokens the test server streams.</summary>
public interface ITokenGenerator
{
    /// <summary>Generates greedily, calling <paramref name="onToken"/> with each new token as it is produced; returns when done.</summary>
    void Generate(int[] prompt, int maxTokens, int minTokens, Action<int> onToken);

    int[] Encode(string text);
    string Decode(IReadOnlyList<int> ids);
    int? EosTokenId { get; }
}
