using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Lem.Engine;

/// <summary>
/// The one way lem reads a text file a user gave it (.lem scripts, YAML configs, prompt files): strict UTF-8. A byte
/// sequence that is not UTF-8 is an error naming the file, the line and column where it stands and its byte offset,
/// never a U+FFFD that would silently change a prompt or a name. A UTF-8 byte order mark is skipped.
/// </summary>
public static class InputText
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The file's text.</summary>
    /// <exception cref="InputTextException">The file is not valid UTF-8.</exception>
    /// <exception cref="IOException">The file cannot be read (missing, a folder, no permission: as <see cref="File.ReadAllBytes"/>).</exception>
    public static string ReadFile(string path) => Decode(File.ReadAllBytes(path), path);

    /// <summary>The file's lines (split at \n, \r\n or \r), as <see cref="File.ReadLines(string)"/> gives them.</summary>
    /// <exception cref="InputTextException">The file is not valid UTF-8.</exception>
    public static IEnumerable<string> ReadLines(string path)
    {
        using var reader = new StringReader(ReadFile(path));
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>Decodes <paramref name="bytes"/> (the whole content of <paramref name="path"/>) as strict UTF-8.</summary>
    /// <exception cref="InputTextException">At the first byte that does not belong to a UTF-8 sequence.</exception>
    public static string Decode(ReadOnlySpan<byte> bytes, string path)
    {
        var start = bytes.StartsWith(Bom) ? Bom.Length : 0;
        var content = bytes[start..];
        var chars = new char[content.Length]; // UTF-8 never takes fewer bytes than UTF-16 takes chars
        var status = Utf8.ToUtf16(content, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done) return new string(chars, 0, written);
        throw Invalid(path, bytes, start + read, chars.AsSpan(0, written));
    }

    /// <summary>The position of the bad byte: its line, and its column in UTF-16 characters as the parsers count them.</summary>
    private static InputTextException Invalid(string path, ReadOnlySpan<byte> bytes, int offset, ReadOnlySpan<char> before)
    {
        var lineStart = before.LastIndexOf('\n') + 1;
        var line = before.Count('\n') + 1;
        var column = before.Length - lineStart + 1;
        return new InputTextException(path, line, column, offset, bytes[offset]);
    }
}
