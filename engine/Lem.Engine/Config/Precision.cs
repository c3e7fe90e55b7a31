namespace Lem.Engine.Config;

/// <summary>Values of the <c>precision</c> parameter.</summary>
public enum Precision { Fp32, Fp16, Bf16 }
