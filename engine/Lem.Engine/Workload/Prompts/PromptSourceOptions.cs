namespace Lem.Engine.Workload.Prompts;

/// <summary>The settings of a prompt source: <see cref="SyntheticPromptOptions"/> or <see cref="FilePromptOptions"/>.</summary>
public abstract record PromptSourceOptions;
