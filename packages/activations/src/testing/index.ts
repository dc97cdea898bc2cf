export {
  checkActivation,
  type CheckActivationOptions,
  type ConformanceCheck,
  type ConformanceReport,
} from './check-activation';
export {
  measureActivation,
  type ActivationTiming,
  type MeasureActivationOptions,
} from './measure-activation';
