export {
  checkActivation,
  type CheckActivationOptions,
  type ConformanceCheck,
  type ConformanceReport,
} from './check-activation';
