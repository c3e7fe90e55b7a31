using System.Globalization;

namespace Lem.Engine;

/// <summary>A file lem reads as text is not valid UTF-8 (see <see cref="InputText"/>).</summary>
/// <param name="Line">1-based line of the first bad byte.</param>
/// <param name="Column">1-based column of the first bad byte, in characters.</param>
/// <param name="ByteOffset">0-based offset of the first bad byte in the file.</param>
public sealed class InputTextException(string path, int line, int column, long byteOffset, byte value)
    : Exception(string.Create(CultureInfo.InvariantCulture,
        $"{path}:{line}:{column}: not valid UTF-8 (byte 0x{value:X2} at byte offset {byteOffset}). Remedy: save the file as UTF-8 (iconv -f LATIN1 -t UTF-8, or your editor's \"save with encoding\")."))
{
    public string Path { get; } = path;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public long ByteOffset { get; } = byteOffset;

    /// <summary>The message without the leading <c>PATH:LINE:COL: </c>, for diagnostics that carry the position themselves.</summary>
    public string Problem => Message[(Message.IndexOf(": not valid", StringComparison.Ordinal) + 2)..];
}
