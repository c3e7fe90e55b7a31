namespace Lem.Engine.Meters.Carbon;

/// <summary>CO2 of an amount of energy: <c>co2_g = energy_kwh × pue × intensity_g_per_kwh</c>. Null CO2 when energy or intensity is unknown.</summary>
public sealed record CarbonEstimate(double? EnergyKwh, double Pue, CarbonIntensity Intensity, double? Co2G)
{
    public const double JoulesPerKwh = 3.6e6;

    public static CarbonEstimate Compute(double? energyJ, double pue, CarbonIntensity intensity)
    {
        if (pue < 1) throw new ArgumentOutOfRangeException(nameof(pue), pue, "carbon.pue must be at least 1.0 (1.0 counts IT energy only).");
        double? kwh = energyJ is { } j ? j / JoulesPerKwh : null;
        double? co2 = kwh is { } k && intensity.GramsPerKwh is { } g ? k * pue * g : null;
        return new CarbonEstimate(kwh, pue, intensity, co2);
    }
}
