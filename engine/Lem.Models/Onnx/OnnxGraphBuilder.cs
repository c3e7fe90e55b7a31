using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Lem.Models.Onnx;

/// <summary>
/// Builds one ONNX model with OnnxSharp's protobuf messages (the ONNX IR schema): nodes, graph inputs and outputs, and
/// initializers. Initializers of at least <see cref="ExternalThresholdBytes"/> go to an external data file beside the
/// model, written as they are added (so a large model is never held in memory twice, and the protobuf stays under 2 GB).
/// </summary>
public sealed class OnnxGraphBuilder : IDisposable
{
    /// <summary>IR version 10 (ONNX 1.16) with opset 21, both loaded by ONNX Runtime 1.31.</summary>
    public const long IrVersion = 10;
    public const long OnnxOpset = 21;
    public const string MicrosoftDomain = "com.microsoft";
    public const int ExternalThresholdBytes = 1024;
    private const int ExternalAlignment = 64;

    private readonly GraphProto _graph = new();
    private readonly FileStream _data;
    private readonly string _dataFileName;
    private readonly Dictionary<string, int> _nodeCounts = new(StringComparer.Ordinal);

    /// <summary>Bytes of all initializers (external and inline).</summary>
    public long InitializerBytes { get; private set; }

    /// <param name="dataPath">The external data file (created or truncated); it must sit beside the model file.</param>
    public OnnxGraphBuilder(string graphName, string dataPath)
    {
        _graph.Name = graphName;
        _dataFileName = Path.GetFileName(dataPath);
        _data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
    }

    public string Initializer(string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> bytes)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        if (bytes.Length >= ExternalThresholdBytes)
        {
            long pad = (ExternalAlignment - _data.Position % ExternalAlignment) % ExternalAlignment;
            for (long i = 0; i < pad; i++) _data.WriteByte(0);
            long offset = _data.Position;
            _data.Write(bytes);
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = _dataFileName });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        else
        {
            tensor.RawData = ByteString.CopyFrom(bytes);
        }
        _graph.Initializer.Add(tensor);
        InitializerBytes += bytes.Length;
        return name;
    }

    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Initializer(name, TensorProto.Types.DataType.Float, dims, MemoryMarshal.AsBytes(values));

    public string Initializer(string name, ReadOnlySpan<byte> values, params long[] dims) =>
        Initializer(name, TensorProto.Types.DataType.Uint8, dims, values);

    public string Int64Initializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Initializer(name, TensorProto.Types.DataType.Int64, dims, MemoryMarshal.AsBytes(values));

    /// <summary>Adds a node; returns its first output. Attributes are (name, value) with long, float, string or long[] values.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, string domain = "", params (string Name, object Value)[] attributes)
    {
        int n = _nodeCounts.TryGetValue(opType, out int c) ? c : 0;
        _nodeCounts[opType] = n + 1;
        var node = new NodeProto { OpType = opType, Domain = domain, Name = $"/{opType}_{n}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes)
            node.Attribute.Add(Attribute(name, value));
        _graph.Node.Add(node);
        return outputs[0];
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
            default: throw new ArgumentException($"attribute {name}: values of type {value.GetType().Name} are not written", nameof(value));
        }
        return a;
    }

    /// <summary>A graph input; each dimension is a size (long) or a symbolic name (string).</summary>
    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Output.Add(ValueInfo(name, type, dims));

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"dimension {d} of {name} is neither a size nor a name", nameof(dims)),
            });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>Writes the model file (the external data is already written) and closes the data file.</summary>
    public void Save(string modelPath, string producerVersion)
    {
        _data.Flush();
        _data.Dispose();
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "lem",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxOpset });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        using var file = new FileStream(modelPath, FileMode.Create, FileAccess.Write, FileShare.None);
        model.WriteTo(file);
    }

    public void Dispose() => _data.Dispose();
}
