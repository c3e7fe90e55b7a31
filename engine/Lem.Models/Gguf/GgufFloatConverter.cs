using System.Buffers.Binary;

namespace Lem.Models.Gguf;

/// <summary>
/// A write-only stream that takes little-endian F32, F16 or BF16 elements and writes them to the inner stream as
/// another of those types (F16 and BF16 rounded to nearest even), so tensors are converted while they stream.
/// </summary>
internal sealed class GgufFloatConverter(Stream inner, GgufTensorType from, GgufTensorType to) : Stream
{
    private readonly int _fromBytes = Size(from);
    private readonly int _toBytes = Size(to);
    private readonly byte[] _pending = new byte[4];
    private int _pendingCount;
    private byte[] _buffer = [];

    private static int Size(GgufTensorType type) => type switch
    {
        GgufTensorType.F32 => 4,
        GgufTensorType.F16 or GgufTensorType.BF16 => 2,
        _ => throw new ArgumentException($"{type} is not a float type lem converts"),
    };

    public override void Write(ReadOnlySpan<byte> source)
    {
        if (from == to)
        {
            inner.Write(source);
            return;
        }
        while (_pendingCount > 0 && source.Length > 0)
        {
            _pending[_pendingCount++] = source[0];
            source = source[1..];
            if (_pendingCount == _fromBytes)
            {
                Convert(_pending.AsSpan(0, _fromBytes));
                _pendingCount = 0;
            }
        }
        int whole = source.Length / _fromBytes * _fromBytes;
        Convert(source[..whole]);
        source[whole..].CopyTo(_pending);
        _pendingCount = source.Length - whole;
    }

    private void Convert(ReadOnlySpan<byte> source)
    {
        int count = source.Length / _fromBytes;
        if (count == 0)
            return;
        if (_buffer.Length < count * _toBytes)
            _buffer = new byte[count * _toBytes];
        var destination = _buffer.AsSpan(0, count * _toBytes);
        for (int i = 0; i < count; i++)
        {
            float value = from switch
            {
                GgufTensorType.F32 => BinaryPrimitives.ReadSingleLittleEndian(source.Slice(4 * i)),
                GgufTensorType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(2 * i)),
                _ => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i)) << 16),
            };
            switch (to)
            {
                case GgufTensorType.F32: BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(4 * i), value); break;
                case GgufTensorType.F16: BinaryPrimitives.WriteHalfLittleEndian(destination.Slice(2 * i), (Half)value); break;
                default: BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(2 * i), Synthetic.SyntheticWeights.ToBFloat16(value)); break;
            }
        }
        inner.Write(destination);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
        if (_pendingCount != 0)
            throw new InvalidOperationException($"a tensor's bytes end inside an element ({_pendingCount} of {_fromBytes} bytes)");
        inner.Flush();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
