using Lem.Engine.Config;
using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Fakes;

/// <summary>The registry engine tests check against: the core parameters and two scripted backend modules, one per execution shape.</summary>
internal static class TestRegistry
{
    public static readonly ParameterRegistry Instance = ParameterRegistry.Compose([new ScriptedBatchModule(), new ScriptedRequestModule(MeterClock.System)]);
}
