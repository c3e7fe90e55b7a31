namespace Lem.Engine.Meters.Gpu;

/// <summary>A growing array of structs; appending allocates only when the capacity doubles.</summary>
public sealed class SampleBuffer<T> where T : struct
{
    private T[] _items;

    public SampleBuffer(int initialCapacity) => _items = new T[Math.Max(4, initialCapacity)];

    public int Count { get; private set; }

    public void Add(in T item)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = item;
    }

    public void Clear() => Count = 0;

    public ReadOnlySpan<T> AsSpan() => _items.AsSpan(0, Count);

    public ref readonly T this[int index] => ref _items[index];
}
