namespace ImageTrust.Functions.Tests;

/// <summary>A measurement, not a test: runs only when <c>IMAGETRUST_MEASURE=1</c> (scripts/measure-pipeline sets it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MeasureFactAttribute : FactAttribute
{
    public MeasureFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE") != "1")
        {
            Skip = "measurement: run scripts/measure-pipeline or scripts/measure-sweep";
        }
    }
}
