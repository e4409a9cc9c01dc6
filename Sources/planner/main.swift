import ArgumentParser
import PlannerCore

PlannerCommand.main()
