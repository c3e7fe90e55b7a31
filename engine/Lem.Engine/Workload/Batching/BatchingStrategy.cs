namespace Lem.Engine.Workload.Batching;

/// <summary>
/// How prompts are grouped: <see cref="Static"/> takes them in order, batch_size at a time; <see cref="Dynamic"/> packs
/// them in order under a padded-token budget; the sorted variants first sort by token count (longest first) to cut padding.
/// </summary>
public enum BatchingStrategy
{
    Static,
    Dynamic,
    SortedStatic,
    SortedDynamic,
}
