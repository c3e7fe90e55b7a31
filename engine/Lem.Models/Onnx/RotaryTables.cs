namespace Lem.Models.Onnx;

/// <summary>
/// The cos and sin caches of com.microsoft RotaryEmbedding: [positions, head_dim / 2] in fp32, for
/// the rotate-half convention of transformers (interleaved = 0). Inverse frequencies are computed in fp32 as
/// the TorchSharp backend computes them (with linear or llama3 scaling), so both rotate identically.
/// </summary>
public static class RotaryTables
{
    public static float[] InverseFrequencies(RotarySpec rope, int headDim)
    {
        int half = headDim / 2;
        var inv = new float[half];
        float theta = (float)rope.Theta;
        for (int i = 0; i < half; i++)
            inv[i] = 1f / MathF.Pow(theta, (2 * i) / (float)headDim);
        switch (rope.Type)
        {
            case "linear":
                for (int i = 0; i < half; i++) inv[i] /= (float)rope.Factor;
                break;
            case "llama3":
                Llama3(inv, rope);
                break;
        }
        return inv;
    }

    // Llama 3.1: long wavelengths divided by factor, short ones kept, the band between interpolated smoothly.
    private static void Llama3(float[] inv, RotarySpec rope)
    {
        double oldLength = rope.OriginalMaxPositionEmbeddings;
        double lowWavelength = oldLength / rope.LowFreqFactor, highWavelength = oldLength / rope.HighFreqFactor;
        float factor = (float)rope.Factor;
        for (int i = 0; i < inv.Length; i++)
        {
            float wavelength = 2 * MathF.PI / inv[i];
            float scaled = wavelength > lowWavelength ? inv[i] / factor : inv[i];
            bool medium = wavelength >= highWavelength && wavelength <= lowWavelength;
            if (!medium)
            {
                inv[i] = scaled;
                continue;
            }
            float smooth = (float)(((float)oldLength / wavelength - rope.LowFreqFactor) / (rope.HighFreqFactor - rope.LowFreqFactor));
            inv[i] = (1 - smooth) * scaled / factor + smooth * scaled;
        }
    }

    /// <summary>(cos, sin), each [positions × head_dim/2] row-major.</summary>
    public static (float[] Cos, float[] Sin) Build(RotarySpec rope, int headDim, int positions)
    {
        var inv = InverseFrequencies(rope, headDim);
        int half = inv.Length;
        var cos = new float[(long)positions * half];
        var sin = new float[(long)positions * half];
        for (int p = 0; p < positions; p++)
            for (int i = 0; i < half; i++)
            {
                float angle = p * inv[i];
                cos[(long)p * half + i] = MathF.Cos(angle);
                sin[(long)p * half + i] = MathF.Sin(angle);
            }
        return (cos, sin);
    }
}
