namespace Lem.Engine.Inference;

/// <summary>The kinds of thing the <c>model</c> parameter can name; each backend module says which it accepts.</summary>
public enum ModelSourceKind
{
    /// <summary>A folder in Hugging Face layout: config.json, *.safetensors, tokenizer files.</summary>
    HuggingFaceFolder,

    /// <summary><c>synthetic("PRESET", seed = N)</c>: seeded random weights of a real architecture, written in the format the backend loads.</summary>
    Synthetic,

    /// <summary>A llama.cpp GGUF file (<c>*.gguf</c>).</summary>
    GgufFile,

    /// <summary>A model id a server knows (a Hugging Face id, or the name a server lists under <c>/v1/models</c>).</summary>
    ServerModelId,

    /// <summary>An ONNX Runtime GenAI folder: genai_config.json, the ONNX model, tokenizer files.</summary>
    OrtGenAiFolder,
}
